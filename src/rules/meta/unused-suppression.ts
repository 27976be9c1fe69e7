import type { FindingDraft, RuleDescriptor } from '../../model/findings.js';
import { describeSuppression, suppressionFinding, type SuppressionOutcome } from './shared.js';

export const UNUSED_SUPPRESSION: RuleDescriptor = {
  id: 'HG-META-002',
  name: 'unused-suppression',
  severity: 'note',
  description: 'A suppression matches no finding.',
  rationale:
    'A suppression that silences nothing is stale: the finding was fixed or the address changed. ' +
    'Left in place, it would silently swallow a future finding nobody reviewed.',
  remediation: 'Delete the suppression, or correct its rule, address or subject.',
  serviceTypes: [],
};

/** One finding per suppression that silenced nothing (an expired one is reported as expired instead). */
export function unusedSuppressionFindings(outcomes: readonly SuppressionOutcome[]): FindingDraft[] {
  return outcomes
    .filter((outcome) => !outcome.expired && !outcome.used)
    .map((outcome) => suppressionFinding(outcome, `suppression of ${describeSuppression(outcome)} matches no finding`));
}
