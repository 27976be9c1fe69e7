/**
 * The native HCL parser is a fast path in front of @cdktf/hcl2json: for every input it must either
 * decline (HclUnsupported) or give exactly hcl2json's value, key order included.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as hcl2json } from '@cdktf/hcl2json';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { generate } from '../bench/generate.js';
import { HybridguardError } from '../src/errors.js';
import { parseHcl } from '../src/inputs/hcl.js';
import { HclUnsupported, outlineHcl, parseHclFile, type HclBlock } from '../src/inputs/hcl-parse.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = resolve(ROOT, '../shared/corpus');
/** Seeded (test/support/fuzz.ts); more runs on demand: HG_FUZZ_RUNS=5000 npx vitest run test/inputs-hcl-parse.test.ts */
const FUZZ = fuzz(60, 300, 20261203);
const RUNS = FUZZ.numRuns;

type Outcome = { declined: true; reason: string } | { declined: false; value: unknown };

function native(text: string): Outcome {
  try {
    return { declined: false, value: parseHclFile(text).doc };
  } catch (error) {
    // Anything but the decline signal is a bug in the native parser.
    if (!(error instanceof HclUnsupported)) throw error;
    return { declined: true, reason: error.message };
  }
}

function plainObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainObjects);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainObjects(v)]));
}

async function oracle(text: string): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await hcl2json('main.tf', text) };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

/** Declined, or equal to hcl2json (as JSON text, so key order counts too). Returns whether it declined. */
async function agrees(text: string, label = 'snippet'): Promise<boolean> {
  const mine = native(text);
  const theirs = await oracle(text);
  if (mine.declined) return true;
  expect(theirs.ok, `${label}: native parser accepted input hcl2json rejects: ${theirs.ok ? '' : theirs.error}`).toBe(true);
  if (theirs.ok) {
    // The native parser makes dicts (no prototype); hcl2json plain objects: compare the data.
    expect(plainObjects(mine.value), label).toStrictEqual(theirs.value);
    expect(JSON.stringify(mine.value), label).toBe(JSON.stringify(theirs.value));
  }
  return false;
}

function tfFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === '.git') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) tfFiles(path, out);
    else if (entry.endsWith('.tf')) out.push(path);
  }
  return out;
}

describe('oracle: every .tf file we have', () => {
  let benchRoot = '';
  let benchFiles: string[] = [];
  beforeAll(() => {
    benchRoot = mkdtempSync(join(tmpdir(), 'hg-hcl-parse-'));
    const g = generate({ out: join(benchRoot, 'n12'), services: 12, formats: ['hcl'] });
    benchFiles = tfFiles(g.hclDir as string);
  });
  afterAll(() => rmSync(benchRoot, { recursive: true, force: true }));

  it('fixtures and test inputs: handled natively, equal to hcl2json', async () => {
    const files = [...tfFiles(join(ROOT, 'fixtures')), ...tfFiles(join(ROOT, 'test'))];
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const declined = await agrees(readFileSync(f, 'utf8'), relative(ROOT, f));
      expect(declined, `${relative(ROOT, f)} was declined`).toBe(false);
    }
  });

  it('block positions: the outline (used when the native parser declines) finds what the native parser records', () => {
    const files = [...tfFiles(join(ROOT, 'fixtures')), ...tfFiles(join(ROOT, 'test')), ...benchFiles];
    const shown = (blocks: readonly HclBlock[]) => blocks.map((b) => ({ ...b, attributes: [...b.attributes] }));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(shown(outlineHcl(text)), f).toStrictEqual(shown(parseHclFile(text).blocks));
    }
  });

  it('a generated bench stack: handled natively, equal to hcl2json', async () => {
    expect(benchFiles.length).toBeGreaterThan(5);
    for (const f of benchFiles) {
      const declined = await agrees(readFileSync(f, 'utf8'), f);
      expect(declined, `${f} was declined`).toBe(false);
    }
  });

  // 900 files: run by the integration suite only (vitest.integration.config.ts sets HG_INTEGRATION).
  it.skipIf(!existsSync(CORPUS) || !process.env.HG_INTEGRATION)('the shared corpus: declined or equal to hcl2json', async () => {
    const files = tfFiles(CORPUS);
    let declines = 0;
    for (const f of files) if (await agrees(readFileSync(f, 'utf8'), relative(CORPUS, f))) declines++;
    console.log(`native HCL parser: ${files.length} corpus files, ${declines} declined`);
    // Today it declines none; a few declines are acceptable, a collapse is a regression.
    expect(declines).toBeLessThanOrEqual(Math.ceil(files.length * 0.05));
  }, 120_000);
});

/** Snippets the native parser must handle, with the value hcl2json gives (pinned by experiment). */
const HANDLED: [string, string, unknown][] = [
  ['empty file', '', {}],
  ['comment-only file', '# only\n// two\n/* three */\n', {}],
  ['no trailing newline', 'a = 1', { a: 1 }],
  ['CRLF line endings', 'a = 1\r\nb = "x"\r\nc = foo(\r\n1)\r\n', { a: 1, b: 'x', c: '${foo(\r\n1)}' }],
  ['CRLF heredoc keeps the CR', 'c = <<EOF\r\nhi\r\nEOF\r\n', { c: 'hi\r\n' }],
  ['string escapes', 'a = "x\\ny\\"z\\\\w\\u00e9 \\t\\r"\n', { a: 'x\ny"z\\wé \t\r' }],
  ['template escapes are written escaped again', 'a = "$${x} %%{y} $x %x $$ %%"\n', { a: '$${x} %%{y} $x %x $$ %%' }],
  ['$$${ is a dollar then an escape', 'a = "$$${x}"\n', { a: '$$${x}' }],
  ['escaped backslash before an interpolation', 'a = "\\\\${x}"\n', { a: '\\${x}' }],
  ['unicode text', 'a = "😀 é"\n', { a: '😀 é' }],
  ['labels and expression source are not normalized', 'b "e\u0301" {}\na = foo("e\u0301") # é\n', { a: '${foo("e\u0301")}', b: { 'e\u0301': [{}] } }],
  [
    'numbers',
    'a = 1.5\nb = 1e3\nc = 0.1\nd = 1.50\ne = -1\nf = 007\ng = 1E-2\nh = - 1\ni = -1.5\nj = 1.0e+2\n',
    { a: 1.5, b: 1000, c: 0.1, d: 1.5, e: -1, f: 7, g: 0.01, h: -1, i: -1.5, j: 100 },
  ],
  ['bools and null', 'a = true\nb = false\nc = null\n', { a: true, b: false, c: null }],
  ['tuple of literals, trailing comma', 'a = [1, "a", true,]\n', { a: [1, 'a', true] }],
  ['multi-line tuple with comments', 'a = [\n  1,\n  2, # c\n  /* d */ 3\n]\n', { a: [1, 2, 3] }],
  ['object keys: identifiers, strings, = and :, sorted', 'a = { b = 1, "a b" = 2, c: 3, "10" = 4, "9" = 5 }\n', { a: { 9: 5, 10: 4, 'a b': 2, b: 1, c: 3 } }],
  ['object with newlines and comments', 'a = {\n  // c\n  b = x\n  /* d */ c = 2 # e\n}\n', { a: { b: '${x}', c: 2 } }],
  ['parenthesised object key', 'a = {(k) = 1}\n', { a: { '${(k)}': 1 } }],
  ['tuple of expressions', 'a = [x, foo(1)]\n', { a: ['${x}', '${foo(1)}'] }],
  ['reference', 'a = aws_iam_role.x.arn\n', { a: '${aws_iam_role.x.arn}' }],
  ['call', 'a = foo(1, "a")\n', { a: '${foo(1, "a")}' }],
  ['conditional', 'a = x ? 1 : 2\n', { a: '${x ? 1 : 2}' }],
  ['for expressions', 'a = [for x in y : x]\nb = {for k, v in x :\n k => v}\n', { a: '${[for x in y : x]}', b: '${{for k, v in x :\n k => v}}' }],
  ['splat and index', 'a = x.*.b\nb = x[0].y\nc = x[*].id\nd = x[\n0\n]\n', { a: '${x.*.b}', b: '${x[0].y}', c: '${x[*].id}', d: '${x[\n0\n]}' }],
  ['operators', 'a = 1 + 2\nb = -x\nc = !x\ne = length(x) > 0 && y\n', { a: '${1 + 2}', b: '${-x}', c: '${!x}', e: '${length(x) > 0 && y}' }],
  ['parentheses', 'a = (1)\n', { a: '${(1)}' }],
  [
    'comments and newlines inside an expression are kept verbatim',
    'a = [foo(1, /* k */\n  2), b] # tail\nc = merge(x, # c\n  y)\n',
    { a: ['${foo(1, /* k */\n  2)}', '${b}'], c: '${merge(x, # c\n  y)}' },
  ],
  ['spaces inside an expression are kept', 'a = x . y\nb = x [0]\n', { a: '${x . y}', b: '${x [0]}' }],
  [
    'templates with interpolations',
    'a = "pre ${x} post"\nb = "${x}"\nc = "a${ x  }b"\nd = "${a}${b}"\ne = "x${ foo(1, # c\n  2) }y"\n',
    { a: 'pre ${x} post', b: '${x}', c: 'a${x}b', d: '${a}${b}', e: 'x${foo(1, # c\n  2)}y' },
  ],
  [
    'heredocs',
    'a = <<EOF\n  hello ${x}\n    $${y} \\n\nEOF\nb = <<EOF\nEOF\nc = <<EOF\n  x\n  EOF\n',
    { a: '  hello ${x}\n    $${y} \\n\n', b: '', c: '  x\n' },
  ],
  [
    'indented heredoc trims the common indent',
    'e = <<-EOT\n    a\n      b\n\n    c\n  EOT\nf = <<-EOT\n\ttab\n\t  x\nEOT\n',
    { e: 'a\n  b\n\nc\n', f: 'tab\n  x\n' },
  ],
  ['heredoc in a tuple', 'a = [<<EOF\nx\nEOF\n, 1]\n', { a: ['x\n', 1] }],
  [
    'blocks: labels, nesting, repeats, merges and sorted keys',
    'resource "b" "y" {\n  z = 1\n  a = 2\n  ingress {\n    p = 1\n  }\n  ingress {\n  }\n}\nresource "a" "x" {}\nresource "b" "a" { k = 1 }\n' +
      'resource "b" "y" { w = 1 }\nprovider aws {}\n',
    {
      provider: { aws: [{}] },
      resource: { a: { x: [{}] }, b: { a: [{ k: 1 }], y: [{ a: 2, ingress: [{ p: 1 }, {}], z: 1 }, { w: 1 }] } },
    },
  ],
  ['locals twice', 'locals { a = 1 }\nlocals {\n  b = 2\n}\n', { locals: [{ a: 1 }, { b: 2 }] }],
  [
    'terraform, variable with type and validation',
    'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n  }\n}\nvariable "v" {\n  type = list(string)\n' +
      '  validation {\n    condition = length(var.v) > 0\n    error_message = "x"\n  }\n}\n',
    {
      terraform: [{ required_providers: [{ aws: { source: 'hashicorp/aws', version: '~> 5.0' } }] }],
      variable: { v: [{ type: '${list(string)}', validation: [{ condition: '${length(var.v) > 0}', error_message: 'x' }] }] },
    },
  ],
  [
    'dynamic block',
    'resource "t" "n" {\n  dynamic "x" {\n    for_each = a\n    content { q = 1 }\n  }\n}\n',
    { resource: { t: { n: [{ dynamic: { x: [{ content: [{ q: 1 }], for_each: '${a}' }] } }] } } },
  ],
  [
    'moved, import, check and aliased provider',
    'moved {\n  from = a.b\n  to = a.c\n}\nimport {\n  to = a.b\n  id = "i"\n}\ncheck "c" {\n  assert {\n    condition = x\n    error_message = "m"\n  }\n}\n' +
      'provider "aws" {\n  alias = "east"\n  region = "us-east-1"\n}\n',
    {
      check: { c: [{ assert: [{ condition: '${x}', error_message: 'm' }] }] },
      import: [{ id: 'i', to: '${a.b}' }],
      moved: [{ from: '${a.b}', to: '${a.c}' }],
      provider: { aws: [{ alias: 'east', region: 'us-east-1' }] },
    },
  ],
];

describe('targeted constructs (pinned values, equal to hcl2json)', () => {
  for (const [name, text, expected] of HANDLED) {
    it(name, async () => {
      const mine = native(text);
      expect(mine.declined ? mine.reason : 'handled').toBe('handled');
      expect(await agrees(text, name)).toBe(false);
      expect(mine.declined ? undefined : plainObjects(mine.value)).toStrictEqual(expected);
    });
  }
});

/** Constructs whose hcl2json rendering is unusual or not pinned: the native parser must decline. */
const DECLINED: [string, string][] = [
  ['template directive', 'a = "%{if x}a%{endif}"\n'],
  ['conditional inside a template (rendered as a directive)', 'a = "pre ${x ? "a" : "b"} post"\n'],
  ['literal interpolation (evaluated)', 'a = "${1}"\nb = "a${1}b"\n'],
  ['tuple interpolation (evaluated)', 'a = "${[1]}"\n'],
  ['nested template', 'a = "${"a"}"\n'],
  ['strip markers', 'a = "${~x~}"\n'],
  ['interpolation in an indented heredoc', 'a = <<-EOF\n  ${x}\nEOF\n'],
  ['heredoc inside a larger expression', 'a = join("", [<<EOF\nx\nEOF\n])\n'],
  ['legacy index', 'a = x.0.y\n'],
  ['call with a space before (', 'a = foo (1)\n'],
  ['attribute and block of one name (hcl2json drops the block)', 'a = 1\na {}\n'],
  ['same block type with different label counts', 'a "x" {}\na {}\n'],
  ['numbers beyond double precision', 'a = 12345678901234567890\n'],
  ['negative zero', 'a = -0\n'],
  ['negated literal bool (evaluated)', 'a = !true\n'],
  ['indents of different characters in an indented heredoc', 'a = <<-EOF\n  x\n\ty\nEOF\n'],
  ['escaped dollar', 'a = "\\u0024{w}"\n'],
  ['text not in Unicode NFC (hcl2json normalizes string literals)', 'a = "e\u0301"\nb = "\\u0065\\u0301"\n'],
  ['NFC-changing text in a heredoc', 'a = <<EOF\n\u212b\nEOF\n'],
  ['NFC-changing object key', 'a = {"e\u0301" = 1}\n'],
  ['non-ASCII text beside an interpolation', 'a = "${x}é"\n'],
  ['lone surrogate (Go writes U+FFFD)', 'a = "\uD83D"\n'],
  ['namespaced function', 'a = provider::aws::arn_parse(x)\n'],
];

const MALFORMED: [string, string][] = [
  ['unterminated string', 'a = "x\n'],
  ['unterminated block', 'resource "a" "b" {\n  x = 1\n'],
  ['unterminated heredoc', 'a = <<EOF\nx\n'],
  ['heredoc marker at end of file without newline', 'a = <<EOF\nx\nEOF'],
  ['unterminated comment', 'a = 1 /* x\n'],
  ['missing value', 'a =\n'],
  ['dangling operator', 'a = x +\n'],
  ['two values on one line', 'a = x y\n'],
  ['repeated attribute', 'a = 1\na = 2\n'],
  ['object items without separator', 'a = {a = 1 b = 2}\n'],
  ['number with trailing dot', 'a = 1.\n'],
  ['hex number', 'a = 0x10\n'],
  ['bad escape', 'a = "\\x41"\n'],
  ['unclosed call', 'a = foo(1\n'],
  ['stray closing brace', '}\n'],
  ['attribute then brace on a multi-line block', 'a {\n  b = 1 }\n'],
  ['heredoc in a one-line block', 'a { b = <<EOF\nx\nEOF\n}\n'],
  ['conditional continued on the next line', 'a = x\n  ? 1 : 2\n'],
  ['splat split across lines', 'a = x[\n*].y\n'],
  ['empty argument', 'a = foo(,)\n'],
];

describe('positions', () => {
  const FILE = [
    '# header',
    'resource "aws_s3_bucket" "b" {',
    '  bucket = "x"',
    '  tags = { a = 1 }',
    '}',
    '',
    '  locals {',
    '  first  = 1',
    '  second = <<EOT',
    'resource "aws_not" "real" {',
    'EOT',
    '}',
    'locals { one_line = 1 }',
    'module "net" { source = "./net" }',
    '',
  ].join('\n');
  const expected = [
    {
      ...{ type: 'resource', labels: ['aws_s3_bucket', 'b'], line: 2, column: 1, endLine: 5 },
      attributes: [['bucket', { line: 3, column: 3 }], ['tags', { line: 4, column: 3 }]],
    },
    {
      ...{ type: 'locals', labels: [], line: 7, column: 3, endLine: 12 },
      attributes: [['first', { line: 8, column: 3 }], ['second', { line: 9, column: 3 }]],
    },
    { type: 'locals', labels: [], line: 13, column: 1, endLine: 13, attributes: [] },
    { type: 'module', labels: ['net'], line: 14, column: 1, endLine: 14, attributes: [] },
  ];
  const shown = (blocks: readonly HclBlock[]) => blocks.map((b) => ({ ...b, attributes: [...b.attributes] }));

  it('top-level blocks with the lines and columns of their headers, attributes and closing braces; a header inside a heredoc is text', () => {
    expect(shown(parseHclFile(FILE).blocks)).toStrictEqual(expected);
  });

  it('the same positions when the native parser declines the file and hcl2json reads it', async () => {
    const declined = `${FILE}x = "%{if true}a%{endif}"\n`;
    expect(native(declined).declined).toBe(true);
    expect(shown(outlineHcl(declined))).toStrictEqual(expected);
    expect([...(await parseHcl('main.tf', declined)).lines]).toStrictEqual([
      ['/resource/aws_s3_bucket/b', 2],
      ['/locals/first', 8],
      ['/locals/second', 9],
      ['/module/net', 14],
    ]);
  });

  it('a resource block with one label is an error at its line', async () => {
    const error = await parseHcl('main.tf', 'locals {\n  a = 1\n}\nresource "aws_s3_bucket" {\n}\n').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HybridguardError);
    expect((error as HybridguardError).message).toBe('resource block has fewer than two labels');
    expect((error as HybridguardError).location.line).toBe(4);
  });
});

describe('declines', () => {
  for (const [name, text] of DECLINED) {
    it(`declines: ${name}`, async () => {
      expect(native(text).declined).toBe(true);
      // parseHcl still answers, through hcl2json.
      const theirs = await oracle(text);
      if (theirs.ok) expect(plainObjects((await parseHcl('main.tf', text)).doc)).toStrictEqual(theirs.value);
    });
  }
  for (const [name, text] of MALFORMED) {
    it(`malformed, declines so hcl2json's located error is used: ${name}`, async () => {
      expect(native(text).declined).toBe(true);
      const theirs = await oracle(text);
      expect(theirs.ok).toBe(false);
      const error = await parseHcl('bad/main.tf', text).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HybridguardError);
      expect((error as HybridguardError).message).toMatch(/^malformed HCL: /);
    });
  }
});

describe('property: random HCL is declined or equal to hcl2json', () => {
  const ident = fc.constantFrom('a', 'b', 'name', 'x_1', 'tags', 'for_each', 'dash-ed');
  const ws = fc.constantFrom(' ', '  ', ' /* c */ ', '\t');
  const str = fc
    .array(
      fc.constantFrom(
        'a',
        ' ',
        'é',
        '\\n',
        '\\"',
        '\\\\',
        '$${x}',
        '%%{y}',
        '${var.x}',
        '${ a.b[0] }',
        '$',
        '%',
        '{',
        '}',
        '😀',
        'e\u0301',
        '\u212b',
        '\\u0301',
      ),
      { maxLength: 6 },
    )
    .map((parts) => `"${parts.join('')}"`);
  const scalar = fc.oneof(
    str,
    fc.constantFrom(
      '1',
      '-2',
      '1.5',
      '1e3',
      'true',
      'false',
      'null',
      'var.x',
      'foo(1, "a")',
      'x ? 1 : 2',
      'a.*.b',
      '[for v in x : v]',
      '(1)',
      '!x',
      '-x',
      'a + b',
      'x[\n0\n]',
      'foo(\n  x,\n  y...\n)',
      'x[*].y',
      'x.*[0]',
      'x . y',
      '(x\n+ y)',
      '{for k, v in x : k => v...}',
      '"${x}" == "y"',
      '1 - -1',
      '-1.5e3',
    ),
  );
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc
        .array(tie('e'), { maxLength: 3 })
        .chain((items) => fc.tuple(fc.constant(items), ws, fc.boolean()).map(([xs, w, nl]) => `[${w}${xs.join(nl ? ',\n' : ', ')}]`)),
      fc
        .array(fc.tuple(ident, tie('e'), fc.constantFrom(' = ', ': ', '=')), { maxLength: 3 })
        .map((items) => `{${items.map(([k, v, s]) => `${k}${s}${v}`).join(', ')}}`),
      fc.array(fc.tuple(ident, tie('e')), { maxLength: 3 }).map((items) => `{\n${items.map(([k, v]) => `  ${k} = ${v} # c`).join('\n')}\n}`),
    ),
  })).e;
  const attr = fc.tuple(ident, ws, expr).map(([k, w, v]) => `${k}${w}=${w}${v}`);
  const heredoc = fc.tuple(ident, fc.boolean(), fc.array(fc.constantFrom('x', '  y', '', '\ty', '${a.b}', '$${z}', '%%{w}', '"q"\\n'), { maxLength: 3 })).map(
    ([k, strip, lines]) => `${k} = <<${strip ? '-' : ''}EOT\n${lines.map((l) => `${l}\n`).join('')}  EOT`,
  );
  const body: fc.Arbitrary<string> = fc.letrec<{ b: string }>((tie) => ({
    b: fc
      .array(
        fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          attr,
          heredoc,
          fc
            .tuple(ident, fc.array(fc.constantFrom('"x"', '"y z"', 'lbl'), { maxLength: 2 }), tie('b'))
            .map(([t, labels, inner]) => `${t} ${labels.join(' ')}${labels.length ? ' ' : ''}{\n${inner}}`),
        ),
        { maxLength: 4 },
      )
      .map((items) => items.map((i) => `${i}\n`).join('')),
  })).b;

  it('generated files (and CRLF variants)', async () => {
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, crlf) => {
        if (!(await agrees(crlf ? text.replace(/\n/g, '\r\n') : text))) handled++;
      }),
      FUZZ,
    );
    console.log(`property: ${handled} of ${RUNS} generated files handled natively`);
    // The generator mostly writes pinned constructs: most files must be answered natively.
    expect(handled).toBeGreaterThan(RUNS / 3);
  });

  it('token soup: random token sequences as an attribute value', async () => {
    const token = fc.constantFrom(
      'x', 'foo', '1', '1.5', '"s"', '"${x}"', 'true', 'null', 'for', 'in', 'if', '(', ')', '[', ']', '{', '}', ',', '.', '*', '[*]', '...',
      '?', ':', '=', '=>', '==', '!', '-', '+', '&&', '<', '>=', '%', '/', '\n', ' ', '# c\n', '/* c */', '<<EOF\nx\nEOF\n',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { minLength: 1, maxLength: 10 }), async (tokens) => {
        await agrees(`a = ${tokens.join(' ')}\nb = 1\n`);
        await agrees(`a = ${tokens.join('')}\n`);
      }),
      FUZZ,
    );
  });

  it('truncated and damaged files never get an answer hcl2json would not give', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.nat(), fc.constantFrom('', '"', '{', '}', '[', '(', '<<EOF\n', '=', '\n', '#', '/*'), async (text, cut, insert) => {
        const at = text.length === 0 ? 0 : cut % text.length;
        await agrees(text.slice(0, at) + insert + text.slice(at));
      }),
      FUZZ,
    );
  });
});
