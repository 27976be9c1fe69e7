import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { coversEveryResource, describePolicy, statementEvidence, unreadableText, type Principal } from '../../analysis/iam/index.js';
import { remember } from '../../model/memo.js';
import { principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

const EXAMPLES = 6;
const isData = (accessLevel: string): boolean => accessLevel.includes('Read') || accessLevel.includes('Write');

/**
 * Read/Write actions that accept resource ARNs, allowed on Resource "*". One finding per role
 * and statement (subject: `statement <Sid>`, or `statement <index> of <policy>` without a Sid or when
 * two policies of the role share it), listing the action patterns as
 * written that really grant data actions there (one statement of 29 actions is one finding).
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
    // A role's statements overlap (s3:* here, s3:Get* there): each action is decided once per principal.
    const onEverything = new Map<Principal, Map<string, boolean>>();
    const allowedOnEverything = (principal: Principal, names: Iterable<string>, limit: number): string[] => {
      const known = remember(onEverything, principal, () => new Map<string, boolean>());
      const out: string[] = [];
      for (const name of names) {
        const allowed = remember(known, name, () => {
          const d = iam.decisionOf(principal, name, '*');
          return d === 'allow' || d === 'conditional' || d === 'unknown';
        });
        if (allowed) out.push(name);
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
      // statement (lower case subject) -> its finding; a definite one replaces an undecided one.
      const byStatement = new Map<string, FindingDraft>();
      const unreadable = new Set<string>();
      const sidCount = new Map<string, number>();
      for (const applied of principal.identityPolicies) {
        if (applied.kind === 'aws-managed') continue;
        for (const s of applied.document.statements) if (s.sid) sidCount.set(s.sid, (sidCount.get(s.sid) ?? 0) + 1);
      }
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
              {
                kind: 'unknown-policy',
                message: unreadableText(applied),
                location: applied.location,
                data: { policy: applied.name, policyKind: applied.kind, unknown: applied.document.unknown },
              },
              ...serviceTypeEvidence(principal),
            ],
            undecided: true,
          });
        }
        applied.document.statements.forEach((s) => {
          if (s.effect !== 'Allow' || !s.action) return;
          const resources = s.resource ?? [];
          const certain = resources.some((r) => coversEveryResource(r) === 'yes');
          const pending = certain ? undefined : resources.find((r) => coversEveryResource(r) === 'maybe');
          if (!certain && pending === undefined) return;
          // The patterns of this statement that grant data actions on "*", each with a few examples.
          const patterns: string[] = [];
          const examples: string[] = [];
          for (const pattern of s.action) {
            const effective = allowedOnEverything(principal, dataActions(pattern), EXAMPLES);
            if (effective.length === 0) continue;
            patterns.push(pattern);
            for (const a of effective) if (examples.length < EXAMPLES && !examples.includes(a)) examples.push(a);
          }
          if (patterns.length === 0) return;
          // A Sid names the statement for suppressions written before the policy has an address (constructs); an index needs its policy.
          const subject = s.sid && sidCount.get(s.sid) === 1 ? `statement ${s.sid}` : `statement ${s.sid ?? s.index} of ${holder}`;
          const previous = byStatement.get(subject.toLowerCase());
          if (previous && (!previous.undecided || !certain)) return;
          const listed = `${patterns.length === 1 ? 'action' : `${patterns.length} actions`} ${patterns.join(', ')}`;
          const why = `data actions that accept resource ARNs (${examples.join(', ')}${patterns.length > 1 || examples.length === EXAMPLES ? ', ...' : ''})`;
          const evidence = [statementEvidence({ policy: applied, statement: s, notes: [] }, 'allows', patterns), ...serviceTypeEvidence(principal)];
          byStatement.set(
            subject.toLowerCase(),
            certain
              ? {
                  ...principalFinding(principal),
                  subject,
                  message: `${principalLabel(principal)} is allowed ${listed} on Resource "*" by statement ${
                    s.sid ? `"${s.sid}"` : s.index
                  } of ${describePolicy(applied)}: ${why}`,
                  evidence,
                }
              : {
                  ...principalFinding(principal),
                  subject,
                  message: `${principalLabel(principal)} may be allowed ${listed} on Resource "*" by statement ${
                    s.sid ? `"${s.sid}"` : s.index
                  } of ${describePolicy(applied)}: its Resource ${pending} has no value in the input and may be "*"; ${why}`,
                  evidence,
                  undecided: true,
                },
          );
        });
      }
      out.push(...byStatement.values());
    }
    return out;
  },
};
