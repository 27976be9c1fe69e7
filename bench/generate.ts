/**
 * Generates a large realistic AI-platform stack for benchmarks and scale tests.
 *
 *   node --import tsx bench/generate.ts --services 1000 [--out .bench/n1000] [--formats synth,hcl,plan] [--seed 42] [--python] [--shape services|tiny]
 *
 * `--shape tiny`: many tiny handler files in import chains, many small policies, findings by the
 * thousand (see StackShape in stack.ts); default `services`.
 *
 * Writes, under OUT:
 *   cdktf.out/manifest.json + cdktf.out/stacks/ai-platform/cdk.tf.json   (synth)
 *   hcl/*.tf                                                              (hcl)
 *   plan/plan.json                                                        (plan, `terraform show -json` shape)
 *   functions/<name>/handler.ts + lib/*.ts (handler.py + lib/*.py with --python) (handler code; OUT is the --code root)
 *   planted.json                                                          (the planted violations and counts)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStack, STACK, type GeneratedStack, type StackShape } from './stack.js';
import { hclFiles, planJson, synthManifest, synthStack } from './writers.js';

export type Format = 'synth' | 'hcl' | 'plan';
export const ALL_FORMATS: readonly Format[] = ['synth', 'hcl', 'plan'];

export interface GenerateOptions {
  readonly out: string;
  readonly services: number;
  readonly formats?: readonly Format[];
  readonly seed?: number;
  /** Regular functions' handlers in Python (boto3) instead of TypeScript. */
  readonly python?: boolean;
  readonly shape?: StackShape;
}

/** Where the benchmarks keep a generated stack: `.bench/n1000`, `.bench/n1000-py`, `.bench/n1000-tiny`. */
export const benchDir = (services: number, options: { readonly python?: boolean; readonly shape?: StackShape } = {}): string =>
  join('.bench', `n${services}${options.python ? '-py' : ''}${options.shape === 'tiny' ? '-tiny' : ''}`);

export interface GenerateResult {
  readonly out: string;
  readonly stack: GeneratedStack;
  /** Paths of what was written (absolute). */
  readonly synthDir?: string;
  readonly hclDir?: string;
  readonly planFile?: string;
  readonly codeRoot: string;
}

/** Generates the stack and writes the requested forms under `out` (replacing what a previous run left there). */
export function generate(options: GenerateOptions): GenerateResult {
  const out = resolve(options.out);
  const formats = options.formats ?? ALL_FORMATS;
  const stack = buildStack(options.services, options.seed ?? 42, { python: options.python === true, ...(options.shape ? { shape: options.shape } : {}) });
  for (const part of ['cdktf.out', 'hcl', 'plan', 'functions', 'planted.json']) rmSync(join(out, part), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const write = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  let synthDir: string | undefined;
  let hclDir: string | undefined;
  let planFile: string | undefined;
  if (formats.includes('synth')) {
    synthDir = join(out, 'cdktf.out');
    write(join(synthDir, 'manifest.json'), synthManifest());
    write(join(synthDir, 'stacks', STACK, 'cdk.tf.json'), synthStack(stack.resources, `terraform.${STACK}.tfstate`));
  }
  if (formats.includes('hcl')) {
    hclDir = join(out, 'hcl');
    for (const [name, text] of hclFiles(stack.resources)) write(join(hclDir, name), text);
  }
  if (formats.includes('plan')) {
    planFile = join(out, 'plan', 'plan.json');
    write(planFile, planJson(stack.resources));
  }
  for (const file of stack.code) write(join(out, file.path), file.text);
  write(
    join(out, 'planted.json'),
    `${JSON.stringify({ services: stack.services, seed: stack.seed, counts: stack.counts, planted: stack.planted }, null, 2)}\n`,
  );
  return { out, stack, codeRoot: out, ...(synthDir ? { synthDir } : {}), ...(hclDir ? { hclDir } : {}), ...(planFile ? { planFile } : {}) };
}

function parseArgs(argv: readonly string[]): GenerateOptions {
  let services = 1000;
  let out: string | undefined;
  let formats: Format[] = [...ALL_FORMATS];
  let seed = 42;
  let python = false;
  let shape: StackShape = 'services';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === '--services') services = Number(next());
    else if (arg === '--out') out = next();
    else if (arg === '--seed') seed = Number(next());
    else if (arg === '--python') python = true;
    else if (arg === '--shape') {
      const value = next();
      if (value !== 'services' && value !== 'tiny') throw new Error(`--shape is services or tiny, not ${value}`);
      shape = value;
    } else if (arg === '--formats') {
      formats = next()
        .split(',')
        .map((f) => f.trim()) as Format[];
      const bad = formats.filter((f) => !ALL_FORMATS.includes(f));
      if (bad.length > 0) throw new Error(`unknown format(s) ${bad.join(', ')}; expected ${ALL_FORMATS.join(',')}`);
    } else
      throw new Error(
        `unknown option ${arg}; usage: generate.ts [--services N] [--out DIR] [--formats synth,hcl,plan] [--seed S] [--python] [--shape services|tiny]`,
      );
  }
  if (!Number.isInteger(services) || services < 2) throw new Error('--services must be an integer >= 2');
  return { services, out: out ?? benchDir(services, { python, shape }), formats, seed, python, shape };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const started = performance.now();
    const result = generate(options);
    const { counts } = result.stack;
    console.log(
      `wrote ${result.out}: ${counts.resources} resources (${counts.functions} functions, ${counts.microservices} microservices), ` +
        `${counts.codeFiles} handler files, ${result.stack.planted.length} planted violations in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    console.error(`generate: ${(error as Error).message}`);
    process.exit(2);
  }
}
