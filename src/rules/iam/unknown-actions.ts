import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { statementJson } from '../../analysis/iam/document.js';
import { describePolicy } from '../../analysis/iam/index.js';

/**
 * Action names in written policies that match no action of the IAM catalog (a typo, a wrong
 * service prefix). AWS managed policies are not checked: their text is not the user's to fix.
 */
export const unknownActions: Check = {
  name: 'unknown-actions',
  description: 'Every action (or pattern) in a written policy names at least one real IAM action.',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts) {
    const out: FindingDraft[] = [];
    for (const use of facts.iam().unknownActions()) {
      const s = use.statement;
      const where = `statement ${s.index}${s.sid ? ` (${s.sid})` : ''} of ${describePolicy(use.policy)}`;
      out.push({
        location: use.location,
        subject: use.pattern,
        message: `${use.pattern} in ${where} matches no IAM action${s.effect === 'Deny' ? ': the Deny protects nothing' : ': the Allow grants nothing'}`,
        evidence: [
          {
            kind: 'statement',
            message: `${where} names ${use.pattern}`,
            location: use.location,
            data: {
              policy: use.policy.name,
              policyKind: use.policy.kind,
              statementIndex: s.index,
              ...(s.sid ? { sid: s.sid } : {}),
              statement: statementJson(s),
            },
          },
        ],
      });
    }
    return out;
  },
};
