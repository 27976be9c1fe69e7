import type { Check } from '../types.js';
import { onlyGatewayPublic } from './only-gateway-public.js';
import { publiclyAccessibleDataStore } from './publicly-accessible-data-store.js';
import { sensitiveServicesPrivate } from './sensitive-services-private.js';
import { unattachedOpenSecurityGroup } from './unattached-open-security-group.js';
import { worldOpenAdminPort } from './world-open-admin-port.js';

export const networkChecks: readonly Check[] = [
  onlyGatewayPublic,
  sensitiveServicesPrivate,
  unattachedOpenSecurityGroup,
  worldOpenAdminPort,
  publiclyAccessibleDataStore,
];
