/**
 * Real-world corpus: the KICS Terraform samples (../shared/corpus/kics beside the repo, written by
 * others), each run alone through the whole `check` pipeline as a user would.
 *
 * - Never a crash: every sample gives results, or a HybridguardError naming the file and a line or
 *   what was expected (registry modules and undeclared variables included).
 * - test/corpus/mapping.json says, per KICS query, which hybridguard policy answers it (or none, and
 *   why). Scoring is per resource: a flagged resource of a positive sample is detected when the
 *   mapped policy reports a finding located in its block, naming it, or whose evidence points into
 *   it; a negative sample is a false positive when the mapped policy reports anything.
 * - test/corpus/scorecard.json is the recorded score; any change (regression or improvement) fails
 *   until it is regenerated: UPDATE_CORPUS=1 npx vitest run test/corpus.test.ts
 * - test/corpus/review.json classifies every miss and false positive: (a) hybridguard bug,
 *   (b) real difference of meaning, (c) out of scope. docs/corpus.md carries the generated table.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { checkProject, loadPolicySet } from '../src/api/project.js';
import { HybridguardError } from '../src/errors.js';
import { outlineHcl } from '../src/inputs/hcl-parse.js';
import type { Result } from '../src/model/findings.js';

const REPO = join(import.meta.dirname, '..');
const CORPUS = join(REPO, '..', 'shared', 'corpus', 'kics');
const HERE = join(import.meta.dirname, 'corpus');
const MAPPING_FILE = join(HERE, 'mapping.json');
const SCORECARD_FILE = join(HERE, 'scorecard.json');
const REVIEW_FILE = join(HERE, 'review.json');
const DOC_FILE = join(REPO, 'docs', 'corpus.md');
const UPDATE = process.env.UPDATE_CORPUS === '1';
const TODAY = '2026-11-28';

interface IndexEntry {
  readonly query: string;
  readonly category: 'iam' | 'exposure';
  readonly subcategory: string;
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
  readonly expected: readonly { readonly line: number; readonly fileName?: string; readonly filename?: string }[];
}
type Mapping = Record<string, { policy: string; why: string } | { policy: null; reason: string }>;
type ReviewClass = 'a' | 'b' | 'c';
type Review = Record<string, { class: ReviewClass; note: string }>;

// ---------- where each flagged line lives ----------

interface Block {
  /** `aws_s3_bucket.b`, `data.aws_iam_policy_document.x`, `module.s3_bucket` */
  readonly address: string;
  readonly start: number;
  readonly end: number;
}

/** Top-level `resource`/`data`/`module` blocks of an HCL file with their line ranges, as the HCL reader finds them. */
function hclBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const { type, labels, line, endLine } of outlineHcl(text)) {
    const named = labels.join('.');
    if (type === 'resource' && labels.length === 2) blocks.push({ address: named, start: line, end: endLine });
    else if (type === 'data' && labels.length === 2) blocks.push({ address: `data.${named}`, start: line, end: endLine });
    else if (type === 'module' && labels.length === 1) blocks.push({ address: `module.${named}`, start: line, end: endLine });
  }
  return blocks;
}

/** Objects with an `address` member in a plan JSON (planned_values, resource_changes, ...), with their line ranges. */
function planBlocks(text: string): Block[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const out: Block[] = [];
  const walk = (node: JsonNode | undefined) => {
    if (!node) return;
    if (node.type === 'object') {
      const addr = node.children?.find((p) => p.children?.[0]?.value === 'address')?.children?.[1];
      if (addr?.type === 'string') out.push({ address: String(addr.value), start: lineOf(node.offset), end: lineOf(node.offset + node.length) });
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(parseTree(text));
  return out;
}

/** The innermost block holding `line`. */
function blockAt(blocks: readonly Block[], line: number): Block | undefined {
  return blocks.filter((b) => b.start <= line && line <= b.end).sort((x, y) => x.end - x.start - (y.end - y.start))[0];
}

const stripIndex = (address: string) => address.replace(/\[[^\]]*\]/g, '');

// ---------- running and scoring ----------

interface FlaggedResource {
  readonly resource: string;
  readonly lines: readonly number[];
  /** How the mapped policy's finding meets the resource, or null when it does not. */
  readonly detectedBy: 'location' | 'address' | 'evidence' | null;
  readonly undecided?: true;
}

interface SampleScore {
  readonly sample: string;
  readonly kics: 'positive' | 'negative';
  /** A located HybridguardError (`file:line: ... expected ...`) instead of results. */
  readonly error?: string;
  /** Positives: the resources KICS flags. */
  readonly flagged?: readonly FlaggedResource[];
  /** What the mapped policy reports (`address@line`, `?` when undecided). */
  readonly reported: readonly string[];
  /** Positives: reported findings on no flagged resource. */
  readonly unexpected?: readonly string[];
}

interface QueryScore {
  readonly category: string;
  readonly policy: string | null;
  readonly flagged: number;
  readonly detected: number;
  readonly recall: number | null;
  readonly negatives: number;
  readonly falsePositives: number;
  readonly unexpected: number;
  readonly errors: number;
  readonly samples: readonly SampleScore[];
}

interface Totals {
  queries: number;
  flagged: number;
  detected: number;
  recall: number | null;
  negatives: number;
  falsePositives: number;
  unexpected: number;
}

interface Scorecard {
  readonly corpus: { readonly queries: number; readonly samples: number };
  readonly today: string;
  readonly crashes: number;
  readonly locatedErrors: number;
  readonly overall: Totals;
  readonly byCategory: Record<string, Totals>;
  readonly byPolicy: Record<string, Totals>;
  readonly queries: Record<string, QueryScore>;
}

interface Crash {
  readonly sample: string;
  readonly what: string;
}

const ratio = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 1000) / 1000);

function expectedLines(q: IndexEntry, sample: string): number[] {
  const own = q.expected.filter((e) => (e.fileName ?? e.filename ?? q.positives[0]) === sample).map((e) => e.line);
  return [...new Set(own)].sort((a, b) => a - b);
}

/** KICS's flagged lines of one positive sample, grouped by the resource block holding them. */
function flaggedBlocks(q: IndexEntry, sample: string, text: string, inputName: string): Map<string, { block: Block | undefined; lines: number[] }> {
  const blocks = inputName === 'main.tf' ? hclBlocks(text) : planBlocks(text);
  const byResource = new Map<string, { block: Block | undefined; lines: number[] }>();
  for (const line of expectedLines(q, sample)) {
    const block = blockAt(blocks, line);
    const key = block?.address ?? `line ${line}`;
    const entry = byResource.get(key) ?? { block, lines: [] };
    entry.lines.push(line);
    byResource.set(key, entry);
  }
  return byResource;
}

function describeFinding(r: Result): string {
  return `${r.location.address ?? basename(r.location.file)}@${r.location.line ?? '?'}${r.undecided ? '?' : ''}`;
}

async function runSample(q: IndexEntry, sample: string, kics: 'positive' | 'negative', policy: string | null, crashes: Crash[]): Promise<SampleScore> {
  const dir = mkdtempSync(join(tmpdir(), 'hg-corpus-'));
  // A plan JSON sample is what `terraform show -json` wrote; everything else is one main.tf.
  const inputName = sample.endsWith('.json') ? 'plan.json' : 'main.tf';
  const text = readFileSync(join(CORPUS, 'queries', q.query, 'test', sample), 'utf8');
  copyFileSync(join(CORPUS, 'queries', q.query, 'test', sample), join(dir, inputName));
  try {
    let results: readonly Result[];
    try {
      const run = await checkProject({ inputs: [inputName === 'main.tf' ? dir : join(dir, inputName)], cwd: dir, today: TODAY });
      results = run.results.results;
    } catch (error) {
      if (!(error instanceof HybridguardError)) {
        crashes.push({ sample: `${q.query}/${sample}`, what: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        return { sample, kics, error: 'crash', reported: [] };
      }
      const { file, line } = error.location;
      if (!file || (line === undefined && !error.expected)) crashes.push({ sample: `${q.query}/${sample}`, what: `unlocated: ${error.format()}` });
      // A refused positive sample detects nothing: its flagged resources count as misses.
      const flagged: FlaggedResource[] | undefined =
        kics === 'positive' && policy !== null
          ? [...flaggedBlocks(q, sample, text, inputName)].map(([resource, { lines }]) => ({ resource, lines, detectedBy: null }))
          : undefined;
      return { sample, kics, error: error.format().split(dir).join('<sample>'), ...(flagged ? { flagged } : {}), reported: [] };
    }
    for (const r of results)
      if (r.evidence.length === 0) crashes.push({ sample: `${q.query}/${sample}`, what: `finding without evidence: ${r.ruleName} ${describeFinding(r)}` });
    const mine = results.filter((r) => r.ruleName === policy);
    const reported = [...new Set(mine.map(describeFinding))].sort();
    if (kics === 'negative' || policy === null) return { sample, kics, reported };

    const inFile = (file: string | undefined) => file !== undefined && basename(file) === inputName;
    const within = (b: Block, file: string | undefined, line: number | undefined) => inFile(file) && line !== undefined && b.start <= line && line <= b.end;
    const byResource = flaggedBlocks(q, sample, text, inputName);
    const matched = new Set<Result>();
    const flagged: FlaggedResource[] = [];
    for (const [resource, { block, lines }] of byResource) {
      let detectedBy: FlaggedResource['detectedBy'] = null;
      let hits: Result[] = [];
      if (block) {
        const names = (r: Result) => {
          const a = r.location.address ? stripIndex(r.location.address) : undefined;
          return a !== undefined && (a === block.address || a.startsWith(`${block.address}.`));
        };
        const tests: [NonNullable<FlaggedResource['detectedBy']>, (r: Result) => boolean][] = [
          ['location', (r) => within(block, r.location.file, r.location.line)],
          ['address', names],
          ['evidence', (r) => r.evidence.some((e) => e.location !== undefined && within(block, e.location.file, e.location.line))],
        ];
        for (const [how, test] of tests) {
          hits = mine.filter(test);
          if (hits.length > 0) {
            detectedBy = how;
            break;
          }
        }
      }
      for (const h of hits) matched.add(h);
      const undecided = hits.length > 0 && hits.every((h) => h.undecided);
      flagged.push({ resource, lines, detectedBy, ...(undecided ? { undecided: true as const } : {}) });
    }
    const unexpected = [...new Set(mine.filter((r) => !matched.has(r)).map(describeFinding))].sort();
    return { sample, kics, flagged, reported, unexpected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function totals(scores: readonly QueryScore[]): Totals {
  const sum = (f: (q: QueryScore) => number) => scores.reduce((n, q) => n + f(q), 0);
  const flagged = sum((q) => q.flagged);
  const detected = sum((q) => q.detected);
  return {
    queries: scores.length,
    flagged,
    detected,
    recall: ratio(detected, flagged),
    negatives: sum((q) => q.negatives),
    falsePositives: sum((q) => q.falsePositives),
    unexpected: sum((q) => q.unexpected),
  };
}

async function scoreCorpus(index: readonly IndexEntry[], mapping: Mapping): Promise<{ card: Scorecard; crashes: Crash[] }> {
  const crashes: Crash[] = [];
  const queries: Record<string, QueryScore> = {};
  let samples = 0;
  for (const q of index) {
    const policy = mapping[q.query]?.policy ?? null;
    const scores: SampleScore[] = [];
    for (const [kics, files] of [['positive', q.positives], ['negative', q.negatives]] as const) {
      for (const sample of files) {
        samples++;
        scores.push(await runSample(q, sample, kics, policy, crashes));
      }
    }
    const positives = scores.filter((s) => s.kics === 'positive');
    const negatives = scores.filter((s) => s.kics === 'negative');
    const flagged = policy ? positives.flatMap((s) => s.flagged ?? []) : [];
    queries[q.query] = {
      category: q.category,
      policy,
      flagged: flagged.length,
      detected: flagged.filter((f) => f.detectedBy !== null).length,
      recall: policy ? ratio(flagged.filter((f) => f.detectedBy !== null).length, flagged.length) : null,
      negatives: policy ? negatives.length : 0,
      falsePositives: policy ? negatives.filter((s) => s.reported.length > 0).length : 0,
      unexpected: positives.reduce((n, s) => n + (s.unexpected?.length ?? 0), 0),
      errors: scores.filter((s) => s.error !== undefined).length,
      samples: scores,
    };
  }
  const all = Object.values(queries);
  const mapped = all.filter((q) => q.policy !== null);
  const group = (key: (q: QueryScore) => string) => {
    const out: Record<string, Totals> = {};
    for (const k of [...new Set(mapped.map(key))].sort()) out[k] = totals(mapped.filter((q) => key(q) === k));
    return out;
  };
  const card: Scorecard = {
    corpus: { queries: index.length, samples },
    today: TODAY,
    crashes: crashes.length,
    locatedErrors: all.reduce((n, q) => n + q.errors, 0),
    overall: totals(mapped),
    byCategory: group((q) => q.category),
    byPolicy: group((q) => q.policy ?? ''),
    queries,
  };
  return { card, crashes };
}

// ---------- misses, false positives and their review ----------

interface Disagreement {
  /** `query/sample#resource` for a miss, `query/sample` for a false positive. */
  readonly key: string;
  readonly query: string;
  readonly kind: 'miss' | 'false-positive';
}

function disagreements(card: Scorecard): Disagreement[] {
  const out: Disagreement[] = [];
  for (const [query, q] of Object.entries(card.queries)) {
    if (q.policy === null) continue;
    for (const s of q.samples) {
      for (const f of s.flagged ?? []) if (f.detectedBy === null) out.push({ key: `${query}/${s.sample}#${f.resource}`, query, kind: 'miss' });
      if (s.kics === 'negative' && s.reported.length > 0) out.push({ key: `${query}/${s.sample}`, query, kind: 'false-positive' });
    }
  }
  return out;
}

/** The most specific review entry: `query/sample#resource`, then `query/sample`, then `query`. */
function reviewOf(review: Review, d: Disagreement) {
  const sample = d.key.split('#')[0] ?? d.key;
  return review[d.key] ?? review[sample] ?? review[d.query];
}

// ---------- the table (printed, and kept in docs/corpus.md) ----------

const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)}%`);

function table(card: Scorecard, mapping: Mapping, review: Review): string {
  const all = disagreements(card);
  const rows = ['| query | mapped policy | recall | FPs | notes |', '|---|---|---|---|---|'];
  for (const [query, q] of Object.entries(card.queries)) {
    const m = mapping[query];
    if (!m) continue;
    const mine = all.filter((d) => d.query === query);
    const classes = (['a', 'b', 'c'] as const)
      .map((c) => [c, mine.filter((d) => reviewOf(review, d)?.class === c).length] as const)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `(${c})×${n}`)
      .join(' ');
    const notes = m.policy === null ? `not mapped: ${m.reason}` : [...new Set(mine.map((d) => reviewOf(review, d)?.note).filter(Boolean))].join(' / ');
    rows.push(
      `| ${query} | ${m.policy ?? '—'} | ${m.policy ? `${q.detected}/${q.flagged} ${pct(q.recall)}` : '—'} | ${
        m.policy ? `${q.falsePositives}/${q.negatives}` : '—'
      } | ${[classes, notes].filter(Boolean).join(' ').replace(/\|/g, '\\|')} |`,
    );
  }
  const o = card.overall;
  const head = [
    `Mapped queries: ${o.queries} of ${card.corpus.queries}; samples run: ${card.corpus.samples}; crashes: ${card.crashes}; located input errors: ` +
      `${card.locatedErrors}.`,
    `Recall (flagged resources detected): ${o.detected}/${o.flagged} (${pct(o.recall)}); false positives: ${o.falsePositives} of ${
      o.negatives
    } negative samples; findings on resources KICS did not flag in positive samples: ${o.unexpected}.`,
    '',
    '| policy | recall | FPs |',
    '|---|---|---|',
    ...Object.entries(card.byPolicy).map(([p, t]) => `| ${p} | ${t.detected}/${t.flagged} ${pct(t.recall)} | ${t.falsePositives}/${t.negatives} |`),
    ...Object.entries(card.byCategory).map(([c, t]) => `| *${c} queries* | ${t.detected}/${t.flagged} ${pct(t.recall)} | ${t.falsePositives}/${t.negatives} |`),
    '',
  ];
  return [...head, ...rows].join('\n');
}

const BEGIN = '<!-- corpus-table:begin (generated by test/corpus.test.ts; UPDATE_CORPUS=1 to refresh) -->';
const END = '<!-- corpus-table:end -->';

function docSection(doc: string): string | undefined {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  return a >= 0 && b > a ? doc.slice(a + BEGIN.length, b).trim() : undefined;
}

// ---------- the tests ----------

const present = existsSync(join(CORPUS, 'index.json'));
if (!present) {
  // Loud in a local run, fatal in CI: the corpus is part of the CI checkout.
  console.warn(`corpus test: no KICS corpus at ${CORPUS}; skipping${process.env.CI === 'true' ? ' (CI: failing)' : ''}`);
}

describe.runIf(!present && process.env.CI === 'true')('real-world corpus (CI)', () => {
  it('the KICS corpus is present beside the repository', () => {
    expect(existsSync(join(CORPUS, 'index.json')), `expected the corpus at ${CORPUS}`).toBe(true);
  });
});

describe.runIf(present)('real-world corpus: KICS Terraform samples', () => {
  const index = present ? (JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as IndexEntry[]) : [];
  const mapping = JSON.parse(readFileSync(MAPPING_FILE, 'utf8')) as Mapping;
  const review = (existsSync(REVIEW_FILE) ? JSON.parse(readFileSync(REVIEW_FILE, 'utf8')) : {}) as Review;

  it('the mapping covers every query exactly, names real policies, and says why', () => {
    const policies = new Set(loadPolicySet({ cwd: REPO }).policies.map((p) => p.name));
    expect(Object.keys(mapping).sort()).toEqual(index.map((q) => q.query).sort());
    for (const [query, m] of Object.entries(mapping)) {
      if (m.policy === null) expect(m.reason.length, `${query}: a null mapping needs a reason`).toBeGreaterThan(10);
      else {
        expect(policies.has(m.policy), `${query}: no policy named ${m.policy}`).toBe(true);
        expect(m.why.length, `${query}: say why the policy answers the query`).toBeGreaterThan(10);
      }
    }
  });

  it('every sample runs without a crash; scores match the recorded scorecard', async () => {
    const { card, crashes } = await scoreCorpus(index, mapping);
    // Zero crashes: results, or a HybridguardError with a file and a line or an expectation.
    expect(crashes).toEqual([]);
    expect(card.corpus.samples).toBeGreaterThanOrEqual(index.length * 2);

    const text = table(card, mapping, review);
    console.log(`\nKICS corpus scorecard\n${text}\n`);
    if (UPDATE || !existsSync(SCORECARD_FILE)) {
      writeFileSync(SCORECARD_FILE, `${JSON.stringify(card, null, 2)}\n`);
      const doc = existsSync(DOC_FILE) ? readFileSync(DOC_FILE, 'utf8') : `# Real-world corpus\n\n${BEGIN}\n${END}\n`;
      const a = doc.indexOf(BEGIN);
      const b = doc.indexOf(END);
      if (a >= 0 && b > a) writeFileSync(DOC_FILE, `${doc.slice(0, a + BEGIN.length)}\n${text}\n${doc.slice(b)}`);
    }
    const recorded = JSON.parse(readFileSync(SCORECARD_FILE, 'utf8')) as Scorecard;
    expect(card, 'the corpus score changed: review, then UPDATE_CORPUS=1 npx vitest run test/corpus.test.ts').toEqual(recorded);

    // Every miss and false positive is investigated and classified; no review entry is stale.
    const all = disagreements(card);
    expect(all.filter((d) => !reviewOf(review, d)).map((d) => `${d.kind} ${d.key}`), 'unreviewed: add to test/corpus/review.json').toEqual([]);
    const used = new Set(all.flatMap((d) => [d.key, d.key.split('#')[0] ?? '', d.query]));
    expect(Object.keys(review).filter((k) => !used.has(k)), 'stale review entries').toEqual([]);
    for (const [key, r] of Object.entries(review)) expect(['a', 'b', 'c'], `${key}: class`).toContain(r.class);

    // docs/corpus.md shows the current table.
    expect(docSection(readFileSync(DOC_FILE, 'utf8')), 'docs/corpus.md table is stale: UPDATE_CORPUS=1').toBe(text.trim());
  }, 120_000);
});
