import type { FindingDraft } from '../../model/findings.js';
import type { CodeImport } from '../../analysis/code/index.js';
import { globMatch } from '../../model/glob.js';
import type { Check } from '../types.js';
import { bySite, chainEvidence, chainText, codeFinding, handlerTypeEvidence, importEvidence, selectedHandlers, stringList } from './shared.js';

/**
 * The selected services' code imports none of the named modules, at run time (static imports,
 * `export from`, `require`, dynamic `import()`), directly or through helpers. Type-only imports
 * do not count: nothing of them runs.
 */
export const forbiddenImports: Check = {
  name: 'forbidden-imports',
  description: "The selected services' handler code imports none of the named modules at run time, directly or through imported helpers.",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['modules'],
    properties: {
      modules: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'string',
          description:
            "A module specifier or glob (`@aws-sdk/client-sagemaker`, `aws-sdk`, `@acme/gpu-*`, Python `sagemaker`); it also matches the module's subpaths " +
              "(`aws-sdk` matches `aws-sdk/clients/s3`, Python `sagemaker` matches `sagemaker.estimator`), and project files by their path from the code " +
              "root (`shared/training/*`).",
        },
        description: 'Modules the code must not import.',
      },
    },
  },
  run(facts, policy) {
    const selected = selectedHandlers(facts, policy);
    if (!selected) return [];
    const { code, handlers } = selected;
    const patterns = stringList(policy.params.modules);
    const out: FindingDraft[] = [];
    for (const handler of handlers) {
      const hits = new Map<string, { pattern: string; imports: CodeImport[] }>();
      for (const imp of handler.imports) {
        const pattern = patterns.find(
          (p) => matchesModule(p, imp.specifier, imp.language === 'python') || (imp.resolved !== undefined && globMatch(p, imp.resolved, false)),
        );
        if (pattern === undefined) continue;
        const key = imp.resolved ?? imp.specifier;
        const hit = hits.get(key) ?? { pattern, imports: [] };
        hit.imports.push(imp);
        hits.set(key, hit);
      }
      for (const key of [...hits.keys()].sort()) {
        const { pattern, imports } = hits.get(key)!;
        const sorted = imports.sort(bySite);
        const first = sorted[0]!;
        const via = first.chain.length > 1 ? ` (reached through ${chainText(code, first.chain)})` : '';
        out.push({
          ...codeFinding(code, handler, first),
          subject: key,
          message: `${handler.resourceAddress} (${handler.serviceType ?? 'no service type'}) imports ${first.specifier} at ${code.displayPath(first.file)}:${
            first.line
          }${via}: ${pattern === first.specifier ? 'a module the policy forbids' : `the policy forbids ${pattern}`}`,
          evidence: [...sorted.map((imp) => importEvidence(code, imp)), ...chainEvidence(code, handler, first), ...handlerTypeEvidence(handler)],
        });
      }
    }
    return out;
  },
};

/**
 * `pattern` matches the specifier itself or one of its subpaths (`aws-sdk` -> `aws-sdk/clients/s3`);
 * a Python module's submodules are dotted (`sagemaker` -> `sagemaker.estimator`).
 */
function matchesModule(pattern: string, specifier: string, python = false): boolean {
  if (globMatch(pattern, specifier, false)) return true;
  if (python) {
    for (let i = specifier.indexOf('.'); i > 0; i = specifier.indexOf('.', i + 1)) {
      if (globMatch(pattern, specifier.slice(0, i), false)) return true;
    }
    return false;
  }
  const slash = specifier.indexOf('/', specifier.startsWith('@') ? specifier.indexOf('/') + 1 : 0);
  for (let i = slash; i > 0; i = specifier.indexOf('/', i + 1)) {
    if (globMatch(pattern, specifier.slice(0, i), false)) return true;
  }
  return false;
}
