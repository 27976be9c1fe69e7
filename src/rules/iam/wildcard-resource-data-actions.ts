import type { FindingDraft } from '../../engine/types.js';
import type { Check } from '../types.js';
import { globMatch } from '../../model/glob.js';
import { describePolicy, statementEvidence, unreadableText } from '../../analysis/iam/index.js';
import { principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

const EXAMPLES = 6;
const isData = (accessLevel: string): boolean => accessLevel.includes('Read') || accessLevel.includes('Write');

/**
 * Read/Write actions that accept resource ARNs, allowed on Resource "*". One finding per role
 * and action pattern as written (subject), listing the data actions it really grants there.
 * Actions that only support "*" are never reported (no scoping is possible), nor are AWS managed
 * policies (their text cannot be changed; the capability rules judge what they grant). A
 * document known only after apply gets an undecided finding (subject: the resource that holds it).
 */
export const wildcardResourceDataActions: Check = {
  name: 'wildcard-resource-data-actions',
  description: 'Data actions that support resource ARNs are not allowed on Resource "*".',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const iam = facts.iam();
    // Per distinct pattern, once: the data actions it names (`*` is 20,000 actions; most stacks repeat a few patterns).
    const dataActionsOf = new Map<string, readonly string[]>();
    const dataActions = (pattern: string): readonly string[] => {
      const key = pattern.toLowerCase();
      let found = dataActionsOf.get(key);
      if (!found) {
        found = iam.expandActions(pattern).filter((name) => {
          const action = facts.catalog.action(name);
          return action !== undefined && action.resourceTypes.length > 0 && isData(action.accessLevel);
        });
        dataActionsOf.set(key, found);
      }
      return found;
    };
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      const reported = new Set<string>();
      const unreadable = new Set<string>();
      for (const applied of principal.identityPolicies) {
        if (applied.kind === 'aws-managed') continue;
        const holder = applied.location.address ?? applied.name;
        // Its known statements are still checked below.
        if (applied.document.unknown !== undefined && !unreadable.has(holder)) {
          unreadable.add(holder);
          out.push({
            ...principalFinding(principal),
            subject: holder,
            message: `${principalLabel(principal)} may be allowed data actions on Resource "*": ${unreadableText(applied)}`,
            evidence: [
              { kind: 'unknown-policy', message: unreadableText(applied), location: applied.location, data: { policy: applied.name, policyKind: applied.kind, unknown: applied.document.unknown } },
              ...serviceTypeEvidence(principal),
            ],
            undecided: true,
          });
        }
        for (const s of applied.document.statements) {
          if (s.effect !== 'Allow' || !s.action || !(s.resource ?? []).some((r) => globMatch(r, '*', false))) continue;
          for (const pattern of s.action) {
            if (reported.has(pattern.toLowerCase())) continue;
            // Stop after a handful: the finding names examples.
            const effective: string[] = [];
            for (const name of dataActions(pattern)) {
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
