import type { Check } from '../types.js';
import { codeDeniedCapabilities } from './code-denied-capabilities.js';
import { forbiddenImports } from './forbidden-imports.js';
import { missingGrants } from './missing-grants.js';
import { unusedGrants } from './unused-grants.js';

export const codeChecks: readonly Check[] = [codeDeniedCapabilities, forbiddenImports, missingGrants, unusedGrants];
