/**
 * Test helpers for the IAM analysis: read an input with the real readers, type services, load
 * the built-in policy packs, and run the IAM analysis or the whole policy run.
 */
import { join } from 'node:path';
import { readInputs } from '../src/inputs/index.js';
import { loadIamCatalog } from '../src/inputs/iam-catalog.js';
import { readPolicySources } from '../src/inputs/policy-files.js';
import { assignServiceTypes } from '../src/model/service-types.js';
import { loadPolicies } from '../src/policy/load.js';
import { EMPTY_CONFIG } from '../src/model/policy.js';
import { createFacts } from '../src/engine/facts.js';
import type { Facts } from '../src/rules/types.js';
import { runPolicies } from '../src/engine/run.js';
import type { RunResults } from '../src/model/findings.js';
import type { IamCatalog } from '../src/model/catalog.js';

export const ROOT = join(import.meta.dirname, '..');
let catalog: IamCatalog | undefined;
export const sharedCatalog = (): IamCatalog => (catalog ??= loadIamCatalog());

let packs: ReturnType<typeof loadPolicies> | undefined;
export function builtinPacks() {
  return (packs ??= loadPolicies(readPolicySources([join(ROOT, 'policies')], ROOT), sharedCatalog()));
}

export async function factsFor(input: string): Promise<Facts> {
  const { graph } = await readInputs([input], { cwd: ROOT });
  assignServiceTypes(graph, EMPTY_CONFIG);
  return createFacts({ graph, catalog: sharedCatalog(), capabilities: builtinPacks().capabilities, config: EMPTY_CONFIG });
}

export async function runIamPolicies(input: string, only?: string): Promise<{ facts: Facts; results: RunResults }> {
  const facts = await factsFor(input);
  const policies = builtinPacks().policies.filter((p) => p.id.startsWith('HG-IAM') && (!only || p.name === only));
  return { facts, results: runPolicies({ facts, policies, suppressions: [], today: '2026-11-28', version: 'test' }) };
}
