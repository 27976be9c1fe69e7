import type { Check } from '../types.js';

export const iamChecks: readonly Check[] = [];
