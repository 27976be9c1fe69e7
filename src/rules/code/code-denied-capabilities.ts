import type { FindingDraft } from '../../model/findings.js';
import type { CodeCall } from '../../analysis/code/index.js';
import type { CapabilityGrant } from '../../model/policy.js';
import { globMatch } from '../../model/glob.js';
import type { Check } from '../types.js';
import { bySite, callEvidence, chainEvidence, chainText, codeFinding, handlerTypeEvidence, selectedHandlers, stringList } from './shared.js';

/**
 * The selected services' code calls nothing a denied capability names, wherever the call is
 * (the handler itself or a helper it imports). The role may be clean while the code is not:
 * this is the code half of the boundary.
 */
export const codeDeniedCapabilities: Check = {
  name: 'code-denied-capabilities',
  description:
    "The selected services' handler code makes no AWS SDK call whose IAM action belongs to a denied capability, directly or through imported helpers.",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['capabilities'],
    properties: {
      capabilities: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', description: 'A capability name (gpu-compute, model-registry, ...).' },
        description: 'Capabilities whose actions the code must not call.',
      },
    },
  },
  validate(params, context) {
    return stringList(params.capabilities).flatMap((name, i) =>
      context.capabilityNames.has(name) ? [] : [{ field: `capabilities/${i}`, message: `capability ${name} is not defined` }],
    );
  },
  run(facts, policy) {
    const selected = selectedHandlers(facts, policy);
    if (!selected) return [];
    const { code, handlers } = selected;
    const out: FindingDraft[] = [];
    for (const name of stringList(policy.params.capabilities)) {
      const capability = facts.capabilities.get(name);
      if (!capability) continue;
      for (const handler of handlers) {
        // action -> its call sites, and whether each site surely counts.
        const hits = new Map<string, { call: CodeCall; decided: boolean; note?: string }[]>();
        for (const call of handler.calls) {
          for (const action of call.action) {
            const verdict = judge(capability.grants, action, call);
            if (!verdict) continue;
            const list = hits.get(action) ?? [];
            list.push({ call, ...verdict });
            hits.set(action, list);
          }
        }
        for (const action of [...hits.keys()].sort()) {
          const sites = hits.get(action)!.sort((a, b) => bySite(a.call, b.call));
          const first = sites[0]!.call;
          const decided = sites.some((s) => s.decided);
          const via = first.chain.length > 1 ? ` (reached through ${chainText(code, first.chain)})` : '';
          const notes = [...new Set(sites.flatMap((s) => (s.note ? [s.note] : [])))];
          out.push({
            ...codeFinding(code, handler, first),
            subject: action,
            message:
              `${handler.resourceAddress} (${handler.serviceType ?? 'no service type'}) calls ${action}, part of ${name}, ` +
              `at ${code.displayPath(first.file)}:${first.line}${via}${decided ? '' : `; ${notes.join('; ')}`}`,
            evidence: [
              ...sites.map((s) => callEvidence(code, s.call, `needs ${action} (${name})`)),
              ...chainEvidence(code, handler, first),
              ...handlerTypeEvidence(handler),
            ],
            ...(decided ? {} : { undecided: true }),
          });
        }
      }
    }
    return out;
  },
};

/**
 * Does a call of `action` fall under one of the grants? A grant with a request context (GPU
 * instance types) counts when the call's visible input names one of those values; when the
 * input shows no value for the key, the call may or may not count: undecided, with a note.
 */
function judge(grants: readonly CapabilityGrant[], action: string, call: CodeCall): { decided: boolean; note?: string } | undefined {
  let undecided: string | undefined;
  for (const grant of grants) {
    if (!grant.actions.some((pattern) => globMatch(pattern, action, true))) continue;
    // A call whose every target is a resource AWS refuses the action on (a service-linked role's policy) does not count.
    const arns = call.resourceArns ?? [];
    if (grant.notResource && arns.length > 0 && arns.every((arn) => grant.notResource!.some((p) => globMatch(p, arn, false)))) continue;
    if (!grant.requestContext) return { decided: true };
    for (const [key, wanted] of Object.entries(grant.requestContext)) {
      const visible = valuesFor(call, key);
      if (visible.length === 0) {
        undecided ??= `${key} is not visible in the call's input`;
        continue;
      }
      if (visible.some((v) => wanted.some((w) => globMatch(w, v, true)))) return { decided: true };
    }
  }
  return undecided ? { decided: false, note: undecided } : undefined;
}

/** Input values for a condition key: `sagemaker:InstanceTypes` reads `InstanceType` properties. */
function valuesFor(call: CodeCall, key: string): readonly string[] {
  const base = singular((key.split(':')[1] ?? key).toLowerCase());
  const out: string[] = [];
  for (const [name, values] of Object.entries(call.inputValues ?? {})) if (singular(name.toLowerCase()) === base) out.push(...values);
  return out;
}

const singular = (word: string): string => (word.endsWith('s') ? word.slice(0, -1) : word);
