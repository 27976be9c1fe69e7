import type { Check } from '../types.js';
import { boundaryBlockedCapabilities } from './boundary-blocked-capabilities.js';
import { deniedCapabilities } from './denied-capabilities.js';
import { noFullAdmin } from './no-full-admin.js';
import { permissionsBoundaryRequired } from './permissions-boundary-required.js';
import { unknownActions } from './unknown-actions.js';
import { wildcardResourceDataActions } from './wildcard-resource-data-actions.js';

export const iamChecks: readonly Check[] = [
  deniedCapabilities,
  boundaryBlockedCapabilities,
  noFullAdmin,
  wildcardResourceDataActions,
  permissionsBoundaryRequired,
  unknownActions,
];
