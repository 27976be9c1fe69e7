/**
 * The engine's own rules (HG-META-*): findings about the run itself, not the infrastructure.
 * One home for their ids and names, which policy/ needs too (a suppression may name them) and
 * may not take from engine/.
 */
import type { RuleDescriptor } from './findings.js';

export const EXPIRED_SUPPRESSION: RuleDescriptor = {
  id: 'HG-META-001',
  name: 'expired-suppression',
  severity: 'error',
  description: 'A suppression has passed its expiry date.',
  rationale:
    'Suppressions are time-boxed exceptions. Once expired, the finding it silenced counts again and the exception needs a fresh review, or it silently ' +
      'becomes permanent.',
  remediation: 'Fix the finding and delete the suppression, or review it and set a new expiry date (with an updated reason).',
  serviceTypes: [],
};

export const UNUSED_SUPPRESSION: RuleDescriptor = {
  id: 'HG-META-002',
  name: 'unused-suppression',
  severity: 'note',
  description: 'A suppression matches no finding.',
  rationale:
    'A suppression that silences nothing is stale: the finding was fixed or the address changed. Left in place, it would silently swallow a future finding ' +
      'nobody reviewed.',
  remediation: 'Delete the suppression, or correct its rule, address or subject.',
  serviceTypes: [],
};

export const MODULE_NOT_ANALYZED: RuleDescriptor = {
  id: 'HG-META-003',
  name: 'module-not-analyzed',
  severity: 'note',
  description: 'A module call whose source could not be read: none of its resources were checked.',
  rationale:
    'Resources inside a module are as real as any other: a registry or git module can create roles, security groups and public endpoints. A check that ' +
      'passes without reading them says nothing about them, so the gap must be visible in every report.',
  remediation:
    "Run `terraform init` where the configuration lives (hybridguard reads modules from .terraform/modules/modules.json), or check the plan JSON (`terraform " +
      "show -json`), which holds every module's resources, or vendor the module into the repository as a local ./ path. A module checked elsewhere: suppress " +
      "this finding for its address, with that reason.",
  serviceTypes: [],
};

/** Rules of the engine itself, reported beside the policies' (documented by `npm run gen:docs`). */
export const META_RULES: readonly RuleDescriptor[] = [EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION, MODULE_NOT_ANALYZED];
