import type { Check } from './types.js';
import { iamChecks } from './iam/index.js';
import { networkChecks } from './network/index.js';
import { codeChecks } from './code/index.js';
import { resourceChecks } from './resource/index.js';
import { META_RULES } from './meta/index.js';

const AREAS: Readonly<Record<string, readonly Check[]>> = { resource: resourceChecks, iam: iamChecks, network: networkChecks, code: codeChecks };

/** Every check, by name. Each area's index lists its own checks. */
export const CHECKS: readonly Check[] = Object.values(AREAS).flat();

/**
 * Where a check is implemented: one file per check, named after it, in its area's folder. The
 * engine's own rules (HG-META-*) are their own checks, in meta/ under the rule's name.
 */
export function checkSource(name: string): string | undefined {
  const isMeta = META_RULES.some((rule) => rule.name === name);
  const area = isMeta ? 'meta' : Object.keys(AREAS).find((key) => AREAS[key]?.some((check) => check.name === name));
  return area ? `src/rules/${area}/${name}.ts` : undefined;
}

/** Whether a check reads handler code (the `code` area). */
export const readsCode = (name: string): boolean => codeChecks.some((check) => check.name === name);

export function findCheck(name: string): Check | undefined {
  return CHECKS.find((check) => check.name === name);
}
