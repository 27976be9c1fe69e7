import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { globMatch } from '../../model/glob.js';
import { describePolicy, statementEvidence, type Statement } from '../../analysis/iam/index.js';
import { listActions, principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

/** Sensitive actions from unrelated services: an all-actions statement that still allows any of them on "*" is admin in practice. */
const PROBES = [
  'iam:PutRolePolicy',
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'organizations:LeaveOrganization',
  'ec2:RunInstances',
  's3:DeleteBucket',
  'kms:ScheduleKeyDeletion',
  'sagemaker:CreateTrainingJob',
  'lambda:UpdateFunctionCode',
  'cloudtrail:StopLogging',
];

const ALL_ACTIONS = /^\*+(:\*+)?$/;
const coversEverything = (s: Statement): boolean =>
  s.notResource !== undefined || (s.resource ?? []).some((r) => globMatch(r, '*', false));

/**
 * No principal is allowed every action: an Allow statement with Action "*" (or "*:*"), or with
 * NotAction (which grants the rest of AWS), on Resource "*", that a boundary or Deny does not
 * neutralise (checked on probe actions from several services).
 */
export const noFullAdmin: Check = {
  name: 'no-full-admin',
  description: 'No role is allowed every action on every resource (Action "*" or NotAction on Resource "*").',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const iam = facts.iam();
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      const seen = new Set<string>();
      for (const applied of principal.identityPolicies) {
        for (const s of applied.document.statements) {
          if (s.effect !== 'Allow' || !coversEverything(s)) continue;
          const adminPatterns = (s.action ?? []).filter((a) => ALL_ACTIONS.test(a));
          const allActions = adminPatterns.length > 0;
          if (!allActions && !s.notAction) continue;
          const subject = allActions ? '*:*' : `NotAction ${s.notAction?.join(',') ?? ''}`;
          if (seen.has(subject)) continue;
          const probes = PROBES.filter((p) => allActions || !(s.notAction ?? []).some((n) => globMatch(n, p, true)));
          const effective = probes.filter((p) => {
            const d = iam.decisionOf(principal, p, '*');
            return d === 'allow' || d === 'conditional' || d === 'unknown';
          });
          if (effective.length === 0) continue;
          seen.add(subject);
          const what = allActions ? 'every action' : `every action except ${s.notAction?.join(', ') ?? ''}`;
          out.push({
            ...principalFinding(principal),
            subject,
            message: `${principalLabel(principal)} is allowed ${what} on every resource by ${describePolicy(
              applied,
            )} (still allowed after boundary and Deny: ${listActions(effective, 4)})`,
            evidence: [
              statementEvidence({ policy: applied, statement: s, notes: [] }, 'allows', adminPatterns),
              ...serviceTypeEvidence(principal),
            ],
          });
        }
      }
    }
    return out;
  },
};
