import type { FindingDraft, RuleDescriptor } from '../../model/findings.js';
import { describeSuppression, suppressionFinding, type SuppressionOutcome } from './shared.js';

export const EXPIRED_SUPPRESSION: RuleDescriptor = {
  id: 'HG-META-001',
  name: 'expired-suppression',
  severity: 'error',
  description: 'A suppression has passed its expiry date.',
  rationale:
    'Suppressions are time-boxed exceptions. Once expired, the finding it silenced counts again and the exception needs a fresh review, ' +
    'or it silently becomes permanent.',
  remediation: 'Fix the finding and delete the suppression, or review it and set a new expiry date (with an updated reason).',
  serviceTypes: [],
};

/** One finding per suppression past its expiry date (the engine no longer lets it silence anything). */
export function expiredSuppressionFindings(outcomes: readonly SuppressionOutcome[]): FindingDraft[] {
  return outcomes
    .filter((outcome) => outcome.expired)
    .map((outcome) => {
      const message = `suppression of ${describeSuppression(outcome)} expired on ${outcome.suppression.expires ?? ''}; the finding it silenced counts again`;
      return suppressionFinding(outcome, message);
    });
}
