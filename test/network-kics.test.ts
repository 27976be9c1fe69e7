/**
 * The KICS exposure samples (../shared/corpus/kics, real Terraform written by others), run as a
 * user would: each sample alone, through the readers and the network analysis. KICS judges per
 * resource; hybridguard judges paths, so the mapping below says which hybridguard rule answers
 * each query (or none, with why). The scores are recorded in fixtures/network/kics-scores.json:
 * a change in any sample's answer fails this test until the record is reviewed and updated
 * (UPDATE_KICS=1). Disagreements with KICS are listed there with hybridguard's reason.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';
import { analyzeNetwork } from '../src/analysis/network/index.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'kics');
const RECORD = join(import.meta.dirname, '..', 'fixtures', 'network', 'kics-scores.json');

type Rule = 'only-gateway-public' | 'unattached-open-security-group' | 'none';

/** Which hybridguard rule answers a KICS query. */
function ruleFor(query: string, subcategory: string): Rule {
  if (subcategory === 'api_lambda_auth') return 'none'; // the gateway is public by design; auth is not a network question
  if (/network_acl|vpc_peering|wide_private_network|default_vpc_exists/.test(query)) return 'none'; // a NACL, a route or a VPC alone exposes nothing
  if (/eks_node_group/.test(query)) return 'none'; // an admin port, not a reachability question: scored by world-open-admin-port in test/corpus.test.ts
  if (subcategory === 'security_group_nacl_cidr') return 'unattached-open-security-group';
  return 'only-gateway-public';
}

interface Entry {
  readonly query: string;
  readonly rule: Rule;
  readonly sample: string;
  readonly kics: 'positive' | 'negative';
  /** Resources hybridguard reports under `rule` (`?` = undecided), or the error it raised. */
  readonly reported: readonly string[];
}

async function run(): Promise<Entry[]> {
  const index = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as {
    query: string;
    category: string;
    subcategory: string;
    positives: string[];
    negatives: string[];
  }[];
  const out: Entry[] = [];
  for (const q of index.filter((x) => x.category === 'exposure')) {
    const rule = ruleFor(q.query, q.subcategory);
    for (const [kics, files] of [['positive', q.positives], ['negative', q.negatives]] as const) {
      for (const sample of files.filter((f) => f.endsWith('.tf'))) {
        const dir = mkdtempSync(join(tmpdir(), 'hg-kics-'));
        copyFileSync(join(CORPUS, 'queries', q.query, 'test', sample), join(dir, 'main.tf'));
        let reported: string[];
        try {
          const { graph } = await readInputs([dir], { cwd: dir });
          const facts = analyzeNetwork(graph);
          reported =
            rule === 'only-gateway-public'
              ? facts.exposures.filter((e) => !e.isGateway && e.paths.some((p) => !p.viaGateway)).map((e) => `${e.address}${e.undecided ? '?' : ''}`)
              : rule === 'unattached-open-security-group'
                ? facts.worldOpenGroups.filter((g) => g.attachedTo.length === 0).map((g) => g.address)
                : [];
        } catch (error) {
          reported = [`error: ${(error as Error).message.split('\n')[0]}`];
        }
        out.push({ query: q.query, rule, sample, kics, reported });
      }
    }
  }
  return out;
}

describe('KICS exposure samples', () => {
  it('every sample is read and analysed, answers match the reviewed record', async () => {
    const entries = await run();
    expect(entries.length).toBeGreaterThan(150);
    const scored = entries.filter((e) => e.rule !== 'none');
    const pos = scored.filter((e) => e.kics === 'positive');
    const neg = scored.filter((e) => e.kics === 'negative');
    const summary = {
      samples: entries.length,
      scored: scored.length,
      positivesReported: pos.filter((e) => e.reported.length > 0).length,
      positives: pos.length,
      negativesReported: neg.filter((e) => e.reported.length > 0).length,
      negatives: neg.length,
    };
    console.log(`KICS exposure samples: ${JSON.stringify(summary)}`);
    if (process.env.UPDATE_KICS === '1' || !existsSync(RECORD)) {
      const previous = existsSync(RECORD) ? (JSON.parse(readFileSync(RECORD, 'utf8')) as { disagreements?: Record<string, string> }) : {};
      writeFileSync(RECORD, `${JSON.stringify({ summary, disagreements: previous.disagreements ?? {}, entries }, null, 2)}\n`);
    }
    const record = JSON.parse(readFileSync(RECORD, 'utf8')) as { entries: Entry[]; disagreements: Record<string, string> };
    expect(entries).toEqual(record.entries);
    // No sample crashes the readers or the analysis.
    expect(entries.filter((e) => e.reported.some((r) => r.startsWith('error:')))).toEqual([]);
    // Every disagreement with KICS on a scored query carries a written reason.
    const disagreements = scored.filter((e) => (e.kics === 'positive') !== e.reported.length > 0).map((e) => `${e.query}/${e.sample}`);
    expect(disagreements.filter((d) => !record.disagreements[d] && !record.disagreements[d.split('/')[0]!])).toEqual([]);
  }, 120_000);
});
