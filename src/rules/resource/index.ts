import type { Check } from '../types.js';

export const resourceChecks: readonly Check[] = [];
