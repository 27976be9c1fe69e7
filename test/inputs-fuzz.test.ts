import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { HybridguardError } from '../src/errors.js';
import { readInputs } from '../src/inputs/index.js';
import { HOSTILE_WORDS, prototypeSnapshot } from './support/hostile.js';

/**
 * Mutates valid inputs (byte edits, structural JSON edits) and checks the reader either returns
 * a graph or rejects with a HybridguardError that names the file: never any other exception.
 */
const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'hg-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const synthText = readFileSync(join(root, 'fixtures/example/cdktf.out/stacks/ai-platform/cdk.tf.json'), 'utf8');
const planText = readFileSync(join(root, 'fixtures/stacks/training-platform/plan/plan.json'), 'utf8');
const hclText = readFileSync(join(root, 'fixtures/stacks/training-platform/modules/network/main.tf'), 'utf8');

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 40 }),
  insert: fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('${', '}', '{', '[', '"', '\\', '\u0000', '${aws_iam_role.x.arn}', '${data.a.b.c', 'null', '[]', '{}', '"//"', '\n'),
    // The hostile vocabulary: prototype names as keys, repeated keys, escapes, bidi overrides, deep nesting.
    fc.constantFrom(...HOSTILE_WORDS.map((w) => `"${w}": {"${w}": "${w}"}, `), '"resource": {}, "resource": {}, ', '\u001b[2J', '\u202e', '['.repeat(300)),
  ),
});

function applyEdits(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    out = out.slice(0, at) + e.insert + out.slice(at + e.remove);
  }
  return out;
}

let counter = 0;
async function check(name: string, text: string | Buffer): Promise<void> {
  const file = join(tmp, `${counter++}-${name}`);
  writeFileSync(file, text);
  const prototypes = prototypeSnapshot();
  try {
    const { graph } = await readInputs([file], { cwd: tmp });
    for (const r of graph.resources) expect(r.location.file).toBe(file.slice(tmp.length + 1));
  } catch (error) {
    if (!(error instanceof HybridguardError)) throw error;
    expect(error.location.file).toBeTruthy();
  } finally {
    rmSync(file, { force: true });
    expect(prototypeSnapshot()).toEqual(prototypes);
  }
}

/** Seeded, so a failure reproduces (test/support/fuzz.ts): a tenth of the cases in `npm test`, all in the integration suite. */
const seeded = (full: number) => fuzz(Math.ceil(full / 10), full, 20261203);

/** Structural edits on parsed JSON: replace a value somewhere with another JSON value. */
const jsonValue = fc.jsonValue({ maxDepth: 2 });
function replaceAt(doc: unknown, path: number[], value: unknown): unknown {
  if (!path.length || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (!keys.length) return value;
  const key = keys[(path[0] ?? 0) % keys.length] as string;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...doc }) as Record<string, unknown>;
  copy[key] = replaceAt(copy[key], path.slice(1), value);
  return copy;
}

describe('fuzzing the readers', () => {
  it('byte-level edits of cdktf synth JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => check('cdk.tf.json', applyEdits(synthText, edits))),
      seeded(1500),
    );
  }, 300_000);

  it('structural edits of synth JSON and plan JSON', async () => {
    const synth = JSON.parse(synthText) as unknown;
    const plan = JSON.parse(planText) as unknown;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fc.nat(), { minLength: 0, maxLength: 7 }), jsonValue, (isPlan, path, value) =>
        check(isPlan ? 'plan.json' : 'stack.tf.json', JSON.stringify(replaceAt(isPlan ? plan : synth, path, value), null, 1)),
      ),
      seeded(1500),
    );
  }, 300_000);

  it('byte-level edits of HCL', async () => {
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => check('main.tf', applyEdits(hclText, edits))), seeded(400));
  }, 300_000);

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), (bytes) => check('random.json', Buffer.from(bytes))), seeded(300));
  }, 120_000);
});
