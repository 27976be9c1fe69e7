import type { Check } from './types.js';
import { iamChecks } from './iam/index.js';
import { networkChecks } from './network/index.js';
import { codeChecks } from './code/index.js';
import { resourceChecks } from './resource/index.js';

/** Every check, by name. Each area's index lists its own checks. */
export const CHECKS: readonly Check[] = [...resourceChecks, ...iamChecks, ...networkChecks, ...codeChecks];

export function findCheck(name: string): Check | undefined {
  return CHECKS.find((check) => check.name === name);
}
