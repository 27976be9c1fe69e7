/**
 * Writes `docs/rules/<rule-name>.md` for every built-in policy and rule of the engine itself
 * (HG-META-*) and `docs/rules/README.md`, from rule metadata and fixtures (`src/policy/docs.ts`).
 * Stale pages are removed.
 * `test/docs.test.ts` imports `buildRuleDocs` and fails when the checked-in pages differ.
 */
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIamCatalog } from '../src/inputs/iam-catalog.js';
import { readPolicyFixtures, readPolicySources } from '../src/inputs/policy-files.js';
import { renderRuleDocs } from '../src/policy/docs.js';
import type { PolicyFixtures } from '../src/model/policy.js';
import { loadPolicies } from '../src/policy/load.js';
import { META_RULES } from '../src/rules/meta/index.js';

/** The docs/rules files for the built-in policies under `root`, by file name. */
export function buildRuleDocs(root: string): Record<string, string> {
  const { policies } = loadPolicies(readPolicySources([join(root, 'policies')], root), loadIamCatalog());
  const fixtures = new Map<string, PolicyFixtures>();
  for (const { name } of [...policies, ...META_RULES]) {
    const found = readPolicyFixtures(join(root, 'fixtures', 'rules'), name, root);
    if (found) fixtures.set(name, found);
  }
  return renderRuleDocs(policies, fixtures, undefined, META_RULES);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(import.meta.dirname, '..');
  const dir = join(root, 'docs', 'rules');
  const files = buildRuleDocs(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.md') && !(name in files)) {
      unlinkSync(join(dir, name));
      console.log(`removed docs/rules/${name}`);
    }
  }
  console.log(`wrote ${Object.keys(files).length} files to docs/rules/`);
}
