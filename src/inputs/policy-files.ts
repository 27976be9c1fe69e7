import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { inputError } from '../errors.js';
import { displayPath, fileSystemError, parseJson, readTextFile } from './files.js';
import type { ExpectedFinding, FixtureCase, PolicyFixtures } from '../model/policy.js';

const POLICY_FILE = /\.(ya?ml|json)$/i;
const EXPECTED = 'a policy file (*.yaml, *.yml, *.json) or a folder of them';

/**
 * The texts of policy files named by `paths`: files as given, folders searched recursively for
 * `*.yaml|*.yml|*.json`. Sorted by shown path so the policy order (and output) is stable;
 * a file named twice is read once. A missing path or a folder with no policy file is an error.
 */
export function readPolicySources(paths: readonly string[], cwd: string): { path: string; text: string }[] {
  const files = new Map<string, string>(); // real path -> absolute path as found
  for (const path of paths) {
    const absolute = isAbsolute(path) ? path : resolve(cwd, path);
    const shown = displayPath(absolute, cwd);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      throw fileSystemError(error, shown, EXPECTED);
    }
    if (!isDirectory) {
      files.set(realPath(absolute, shown), absolute);
      continue;
    }
    const before = files.size;
    collect(absolute, cwd, files, new Set());
    if (files.size === before) throw inputError(`no policy files (*.yaml, *.yml, *.json) in folder ${shown}`, { file: shown }, EXPECTED);
  }
  return [...files.values()]
    .map((absolute) => readTextFile(absolute, cwd, 'a UTF-8 policy file'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function collect(folder: string, cwd: string, files: Map<string, string>, visiting: Set<string>): void {
  const shown = displayPath(folder, cwd);
  const real = realPath(folder, shown);
  if (visiting.has(real)) return; // a symlink loop: each real folder is read once
  visiting.add(real);
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw fileSystemError(error, shown, EXPECTED);
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    let directory = entry.isDirectory();
    let file = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const stat = statSync(path);
        directory = stat.isDirectory();
        file = stat.isFile();
      } catch {
        continue; // dangling link: nothing to read
      }
    }
    if (directory) collect(path, cwd, files, visiting);
    else if (file && POLICY_FILE.test(entry.name)) files.set(realPath(path, displayPath(path, cwd)), path);
  }
}

function realPath(path: string, shown: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw fileSystemError(error, shown, EXPECTED);
  }
}

const FIXTURE_INPUTS = ['main.tf.json', 'plan.json', 'main.tf'];

/**
 * The fixture cases of one policy (`<root>/<policyName>/<fail|pass>-<case>/`), for generated
 * docs and `policies explain`. Undefined when the policy has no fixture folder (an installed
 * package ships no fixtures). `inputPath` is shown relative to `cwd`.
 */
export function readPolicyFixtures(root: string, policyName: string, cwd: string): PolicyFixtures | undefined {
  const dir = join(root, policyName);
  if (!existsSync(dir)) return undefined;
  const fail: FixtureCase[] = [];
  const pass: FixtureCase[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/^(fail|pass)/.test(name)) continue;
    const caseDir = join(dir, name);
    const input = FIXTURE_INPUTS.map((n) => join(caseDir, n)).find((p) => existsSync(p)) ?? cdktfStack(caseDir);
    const expectedPath = join(caseDir, 'expected.json');
    if (!input || !existsSync(expectedPath)) continue;
    const { path, text } = readTextFile(input, cwd);
    const expectedText = readTextFile(expectedPath, cwd);
    const expected = parseJson(expectedText.text, expectedText.path, 'an array of expected findings') as ExpectedFinding[];
    (name.startsWith('fail') ? fail : pass).push({ name, inputPath: path, inputText: text, expected });
  }
  return { fail, pass };
}

function cdktfStack(caseDir: string): string | undefined {
  const stacks = join(caseDir, 'cdktf.out', 'stacks');
  if (!existsSync(stacks)) return undefined;
  const first = readdirSync(stacks).sort()[0];
  return first ? join(stacks, first, 'cdk.tf.json') : undefined;
}
