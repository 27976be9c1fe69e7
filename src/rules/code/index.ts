import type { Check } from '../types.js';

export const codeChecks: readonly Check[] = [];
