import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';
import { stripInstanceKeys } from '../src/inputs/plan.js';
import type { ResourceGraph } from '../src/model/graph.js';
import { Unknown, type Value } from '../src/model/types.js';

/** Plan JSON knows a map as a whole or not at all; configuration knows each literal entry. */
const fullyKnown = (value: Value | undefined): boolean =>
  value !== undefined && !(value instanceof Unknown) && (value === null || typeof value !== 'object' || Object.values(value).every(fullyKnown));

/**
 * The same stack as cdktf synth JSON, HCL and real plan JSON gives the same graph.
 * Documented differences, normalised here and nowhere else:
 * - plan JSON expands `count` into instances (`aws_subnet.private[0]`); configuration forms keep
 *   one resource (`aws_subnet.private`): compared without instance keys;
 * - plan references inside map attributes and attribute-style lists (`environment.variables`,
 *   `route`) are recorded on the attribute, not the element field: edges are compared by the
 *   attribute's first segment.
 */
const root = join(import.meta.dirname, '..');

function shape(graph: ResourceGraph) {
  const addresses = new Set<string>();
  const types = new Set<string>();
  const edges = new Set<string>();
  for (const r of graph.resources) {
    const from = stripInstanceKeys(r.address);
    addresses.add(`${r.mode} ${from}`);
    types.add(`${from} ${r.type}`);
    for (const ref of r.references) edges.add(`${from} ${ref.attribute.split('.')[0]} -> ${stripInstanceKeys(ref.target)}`);
  }
  return { addresses: [...addresses].sort(), types: [...types].sort(), edges: [...edges].sort() };
}

describe.each(['inference-platform', 'training-platform'])('%s in three forms', (name) => {
  const dir = join(root, 'fixtures/stacks', name);
  it('has the same addresses, types and reference edges as synth JSON, HCL and plan JSON', async () => {
    const [synth, hcl, plan] = await Promise.all(
      [join(dir, 'synth'), join(dir, 'hcl'), join(dir, 'plan/plan.json')].map((p) => readInputs([p], { cwd: root })),
    );
    const expected = shape(synth!.graph);
    expect(expected.addresses.length).toBeGreaterThanOrEqual(25);
    expect(expected.edges.length).toBeGreaterThan(40);
    expect(shape(hcl!.graph)).toEqual(expected);
    expect(shape(plan!.graph)).toEqual(expected);
  });

  it('has the same literal values where the configuration states them', async () => {
    const synth = await readInputs([join(dir, 'synth')], { cwd: root });
    const plan = await readInputs([join(dir, 'plan/plan.json')], { cwd: root });
    for (const fn of synth.graph.ofType('aws_lambda_function')) {
      const planned = plan.graph.get(fn.address)!;
      for (const key of ['function_name', 'runtime', 'handler', 'timeout', 'environment', 'tags']) {
        // Unset in configuration = provider default in the plan; not comparable.
        if (!fullyKnown(fn.values[key])) continue;
        expect(planned.values[key], `${fn.address}.${key}`).toEqual(fn.values[key]);
      }
    }
  });
});
