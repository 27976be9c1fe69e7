import type { FindingDraft } from '../../engine/types.js';
import type { Check } from '../types.js';
import { globMatch } from '../../model/glob.js';
import { describePolicy, statementEvidence } from '../../analysis/iam/index.js';
import { principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

const EXAMPLES = 6;
const isData = (accessLevel: string): boolean => accessLevel.includes('Read') || accessLevel.includes('Write');

/**
 * Read/Write actions that accept resource ARNs, allowed on Resource "*". One finding per role
 * and action pattern as written (subject), listing the data actions it really grants there.
 * Actions that only support "*" are never reported (no scoping is possible), nor are AWS managed
 * policies (their text cannot be changed; the capability rules judge what they grant).
 */
export const wildcardResourceDataActions: Check = {
  name: 'wildcard-resource-data-actions',
  description: 'Data actions that support resource ARNs are not allowed on Resource "*".',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const iam = facts.iam();
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      const reported = new Set<string>();
      for (const applied of principal.identityPolicies) {
        if (applied.kind === 'aws-managed') continue;
        for (const s of applied.document.statements) {
          if (s.effect !== 'Allow' || !s.action || !(s.resource ?? []).some((r) => globMatch(r, '*', false))) continue;
          for (const pattern of s.action) {
            if (reported.has(pattern.toLowerCase())) continue;
            // Stop after a handful: the finding names examples, and `*` would otherwise mean 20,000 evaluations.
            const effective: string[] = [];
            for (const name of iam.expandActions(pattern)) {
              const action = facts.catalog.action(name);
              if (!action || action.resourceTypes.length === 0 || !isData(action.accessLevel)) continue;
              const d = iam.decisionOf(principal, name, '*');
              if (d === 'allow' || d === 'conditional' || d === 'unknown') effective.push(name);
              if (effective.length === EXAMPLES) break;
            }
            if (effective.length === 0) continue;
            reported.add(pattern.toLowerCase());
            out.push({
              ...principalFinding(principal),
              subject: pattern,
              message: `${principalLabel(principal)} is allowed ${pattern} on Resource "*" by ${describePolicy(applied)}: ${effective.join(', ')}${effective.length === EXAMPLES ? ' and more' : ''} accept resource ARNs`,
              evidence: [statementEvidence({ policy: applied, statement: s, notes: [] }, 'allows'), ...serviceTypeEvidence(principal)],
            });
          }
        }
      }
    }
    return out;
  },
};
