import type { FindingDraft } from '../../engine/types.js';
import type { Check } from '../types.js';
import { coversEveryResource, describePolicy, statementEvidence, unreadableText, type Principal } from '../../analysis/iam/index.js';
import { principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

const EXAMPLES = 6;
const isData = (accessLevel: string): boolean => accessLevel.includes('Read') || accessLevel.includes('Write');

/**
 * Read/Write actions that accept resource ARNs, allowed on Resource "*". One finding per role
 * and action pattern as written (subject), listing the data actions it really grants there.
 * Actions that only support "*" are never reported (no scoping is possible), nor are AWS managed
 * policies (their text cannot be changed; the capability rules judge what they grant). What an
 * apply-time value decides is undecided: a Resource such as `${var.table_arn}` (it may be "*"),
 * and a document known only after apply (subject: the resource that holds it) unless the
 * permissions boundary lets no data action through on "*" anyway.
 */
export const wildcardResourceDataActions: Check = {
  name: 'wildcard-resource-data-actions',
  description: 'Data actions that support resource ARNs are not allowed on Resource "*".',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const iam = facts.iam();
    // Lazily: `*` names 20,000 actions, and a finding lists only a few examples.
    function* dataActions(pattern: string): Generator<string> {
      for (const action of iam.actionsMatching(pattern)) {
        if (action.resourceTypes.length > 0 && isData(action.accessLevel)) yield action.action;
      }
    }
    const allowedOnEverything = (principal: Principal, names: Iterable<string>, limit: number): string[] => {
      const out: string[] = [];
      for (const name of names) {
        const d = iam.decisionOf(principal, name, '*');
        if (d === 'allow' || d === 'conditional' || d === 'unknown') out.push(name);
        if (out.length === limit) break;
      }
      return out;
    };
    // With an unreadable identity policy, the boundary's own Allows on "*" name what it could still grant.
    const boundaryMayLetDataThrough = (principal: Principal): boolean => {
      const boundary = principal.boundary;
      if (!boundary || boundary.document.unknown !== undefined) return true;
      return boundary.document.statements.some(
        (s) =>
          s.effect === 'Allow' &&
          (s.resource ?? []).some((r) => coversEveryResource(r) !== 'no') &&
          (s.action ?? ['*']).some((pattern) => allowedOnEverything(principal, dataActions(pattern), 1).length > 0),
      );
    };
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      // pattern (lower case) -> its finding; a definite one replaces an undecided one.
      const byPattern = new Map<string, FindingDraft>();
      const unreadable = new Set<string>();
      for (const applied of principal.identityPolicies) {
        if (applied.kind === 'aws-managed') continue;
        const holder = applied.location.address ?? applied.name;
        // Its known statements are still checked below.
        if (applied.document.unknown !== undefined && !unreadable.has(holder) && boundaryMayLetDataThrough(principal)) {
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
          if (s.effect !== 'Allow' || !s.action) continue;
          const resources = s.resource ?? [];
          const certain = resources.some((r) => coversEveryResource(r) === 'yes');
          const pending = certain ? undefined : resources.find((r) => coversEveryResource(r) === 'maybe');
          if (!certain && pending === undefined) continue;
          for (const pattern of s.action) {
            const previous = byPattern.get(pattern.toLowerCase());
            if (previous && (!previous.undecided || !certain)) continue;
            // Stop after a handful: the finding names examples.
            const effective = allowedOnEverything(principal, dataActions(pattern), EXAMPLES);
            if (effective.length === 0) continue;
            const examples = `${effective.join(', ')}${effective.length === EXAMPLES ? ' and more' : ''} ${effective.length === 1 ? 'accepts' : 'accept'} resource ARNs`;
            const evidence = [statementEvidence({ policy: applied, statement: s, notes: [] }, 'allows'), ...serviceTypeEvidence(principal)];
            byPattern.set(
              pattern.toLowerCase(),
              certain
                ? { ...principalFinding(principal), subject: pattern, message: `${principalLabel(principal)} is allowed ${pattern} on Resource "*" by ${describePolicy(applied)}: ${examples}`, evidence }
                : {
                    ...principalFinding(principal),
                    subject: pattern,
                    message: `${principalLabel(principal)} may be allowed ${pattern} on Resource "*" by ${describePolicy(applied)}: its Resource ${pending} has no value in the input and may be "*"; ${examples}`,
                    evidence,
                    undecided: true,
                  },
            );
          }
        }
      }
      out.push(...byPattern.values());
    }
    return out;
  },
};
