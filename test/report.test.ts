import { describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { FORMATS, isFormat, render, summarize, type Format } from '../src/report/index.js';
import { loadResults, withoutBaseline } from './report-helpers.js';

const results = loadResults('run-results');
const ESC = '\u001b';

describe('reporter registry', () => {
  it('lists every format and renders each one', () => {
    expect([...FORMATS]).toEqual(['text', 'json', 'sarif', 'junit', 'markdown']);
    expect(isFormat('sarif')).toBe(true);
    expect(isFormat('html')).toBe(false);
    for (const format of FORMATS) expect(render(format, results, { color: false }).length).toBeGreaterThan(100);
  });

  it.each(FORMATS)('%s: same input, same bytes (also after a JSON round trip and with keys in another order)', (format: Format) => {
    const first = render(format, results, { color: true });
    const again = render(format, JSON.parse(JSON.stringify(results)), { color: true });
    // Same results built with object keys in reverse insertion order.
    const reversed = JSON.parse(JSON.stringify(results), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    );
    expect(again).toBe(first);
    expect(render(format, reversed, { color: true })).toBe(first);
  });

  it('summarizes: suppressed and undecided apart, the gate counts only new findings at or above fail-on', () => {
    const s = summarize(results, 'warning');
    expect(s).toMatchObject({ total: 9, bySeverity: { error: 3, warning: 2, note: 1 }, suppressed: 2, undecided: 1, new: 4, unchanged: 2, fixed: 2 });
    // New and >= warning: HG-IAM-001, HG-NET-001, HG-META-001 (HG-CODE-001 is in the baseline).
    expect(s.failing).toBe(3);
    expect(summarize(results, 'error').failing).toBe(2);
    expect(summarize(withoutBaseline(results), 'note').failing).toBe(6);
  });
});

describe('text reporter', () => {
  const plain = render('text', results, { color: false, showSuppressed: true });

  it('has no colour codes when color is false, and colour when true', () => {
    expect(plain).not.toContain(ESC);
    expect(render('text', results, { color: true })).toContain(`${ESC}[31m`);
  });

  it('groups by service type then severity, with location, evidence and fix', () => {
    const headings = plain.split('\n').filter((l) => /^(function|orchestrator|microservice|shared|no service type|Undecided|Suppressed) /.test(l));
    expect(headings).toEqual([
      'function (2 findings)',
      'orchestrator (1 finding)',
      'microservice (1 finding)',
      'shared (1 finding)',
      'no service type (1 finding)',
      'Undecided (1): could not decide: value unknown until apply',
      'Suppressed (2)',
    ]);
    const block = plain.slice(plain.indexOf('error   HG-IAM-001'), plain.indexOf('error   HG-CODE-001'));
    expect(block).toContain('error   HG-IAM-001 no-gpu-in-functions NEW');
    expect(block).toContain('at cdktf.out/stacks/ai-platform/cdk.tf.json:112  aws_iam_role.ingest_role  (ai-platform/ingest/role)');
    expect(block).toContain(
      '      - statement 0 (Sid TrainModels) of aws_iam_role_policy.ingest_inline allows sagemaker:Create* on *  ' +
        '[cdktf.out/stacks/ai-platform/cdk.tf.json:131 aws_iam_role_policy.ingest_inline]',
    );
    expect(block).toContain('fix: Remove the sagemaker/ec2 GPU actions');
    expect(block).toContain('service type: function (tag hybridguard:service-type=function)');
  });

  it('lists suppressed findings with reason, owner, expiry and source, and undecided ones apart', () => {
    const suppressed = plain.slice(plain.indexOf('Suppressed (2)'));
    expect(suppressed).toContain(
      'suppressed: Model promotion job registers packages until the registry service ships (PLAT-812) (owner ml-platform@example.com, expires 2027-03-31, ' +
        'from hybridguard.config.yaml:14)',
    );
    expect(suppressed).toContain('(owner team-training, no expiry, from construct ai-platform/training/role)');
    const undecided = plain.slice(plain.indexOf('Undecided (1)'), plain.indexOf('Suppressed (2)'));
    expect(undecided).toContain('HG-NET-003');
    // Neither appears among the gate's findings.
    const gate = plain.slice(0, plain.indexOf('Undecided (1)'));
    expect(gate).not.toContain('aws_security_group_rule.serving_ingress');
    expect(gate).not.toContain('aws_iam_role.training_orchestrator');
  });

  it('summarises suppressed findings in one line unless --show-suppressed', () => {
    const short = render('text', results, { color: false });
    expect(short).not.toContain('Suppressed (2)');
    expect(short).not.toContain('Model promotion job registers packages');
    expect(short).toContain('Suppressed: 2 findings (HG-IAM-002, HG-IAM-010); --show-suppressed lists them.');
    expect(short.split('\n').length).toBeLessThan(plain.split('\n').length - 15);
  });

  it('counts undecided findings in the verdict with --fail-on-undecided', () => {
    const strict = render('text', withoutBaseline(results), { color: false, failOn: 'warning', failOnUndecided: true });
    expect(strict).toContain('Undecided (1): could not decide: value unknown until apply (they fail the check: --fail-on-undecided)');
    expect(summarize(withoutBaseline(results), { failOn: 'warning', failOnUndecided: true }).failing).toBe(
      summarize(withoutBaseline(results), 'warning').failing + 1,
    );
  });

  it('ends with summary counts and the verdict', () => {
    expect(plain).toContain('Summary: 3 errors, 2 warnings, 1 note · 2 suppressed · 1 undecided · baseline: 4 new, 2 unchanged, 2 fixed');
    expect(plain.trimEnd().split('\n').at(-1)).toBe('3 findings at or above warning not in the baseline fail the check.');
    const clean = render('text', { ...results, results: results.results.filter((r) => r.severity === 'note') }, { color: false });
    expect(clean).toContain('No finding at or above warning outside the baseline.');
  });

  it('shows paths relative to cwd when they are absolute under it', () => {
    const abs = { ...results, results: [{ ...results.results[0]!, location: { ...results.results[0]!.location, file: '/home/ci/repo/cdktf.out/x.json' } }] };
    expect(render('text', abs, { color: false, cwd: '/home/ci/repo' })).toContain('at cdktf.out/x.json:112');
  });
});

describe('json reporter', () => {
  const text = render('json', results, { color: false });
  const doc = JSON.parse(text);

  it('has the documented shape, 2-space indent, summary counts', () => {
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name": "hybridguard"')).toBe(true);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'summary', 'inputs', 'baseline', 'rules', 'results']);
    expect(doc.summary).toEqual({
      total: 9, bySeverity: { error: 3, warning: 2, note: 1 }, suppressed: 2, undecided: 1, new: 4, unchanged: 2, fixed: 2, failing: 3, failOn: 'warning',
    });
    expect(doc.rules).toHaveLength(9);
    expect(doc.results).toHaveLength(9);
    expect(doc.results[0]).toMatchObject({
      ruleId: 'HG-IAM-001', severity: 'error', undecided: false, isNew: true, subject: 'sagemaker:CreateTrainingJob',
      location: { file: 'cdktf.out/stacks/ai-platform/cdk.tf.json', address: 'aws_iam_role.ingest_role', line: 112 },
    });
    expect(doc.results[0].evidence[1].data).toEqual({
      matchedActions: ['sagemaker:CreateTrainingJob'],
      statement: { Action: ['sagemaker:Create*'], Effect: 'Allow', Resource: '*', Sid: 'TrainModels' },
    });
    expect(doc.results[1].suppression).toEqual({
      reason: 'Model promotion job registers packages until the registry service ships (PLAT-812)',
      owner: 'ml-platform@example.com',
      expires: '2027-03-31',
      source: 'hybridguard.config.yaml:14',
    });
    expect(doc.results.find((r: { ruleId: string }) => r.ruleId === 'HG-NET-003').undecided).toBe(true);
  });

  it('omits baseline fields without a baseline', () => {
    const plain = JSON.parse(render('json', withoutBaseline(results), { color: false }));
    expect(plain.baseline).toBeUndefined();
    expect(plain.summary.new).toBeUndefined();
    expect(plain.results[0].isNew).toBeUndefined();
    expect(plain.summary.failing).toBe(5);
  });
});

describe('junit reporter', () => {
  const xml = render('junit', results, { color: false });
  const doc = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(xml, 'text/xml');

  it('is well-formed XML with one testsuite per rule', () => {
    const suites = Array.from(doc.getElementsByTagName('testsuite'));
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(results.rules.map((r) => `${r.id} ${r.name}`).sort());
    const root = doc.documentElement!;
    expect(root.getAttribute('tests')).toBe('10'); // 9 findings + one passing case for the rule without findings
    expect(root.getAttribute('failures')).toBe('3');
    expect(root.getAttribute('skipped')).toBe('3'); // 2 suppressed + 1 undecided
  });

  it('fails new unsuppressed findings at or above fail-on; skips suppressed with the reason; passes baseline ones', () => {
    const cases = Array.from(doc.getElementsByTagName('testcase'));
    const byName = (name: string) => cases.find((c) => c.getAttribute('name') === name)!;
    const gpu = byName('aws_iam_role.ingest_role [sagemaker:CreateTrainingJob]');
    expect(gpu.getElementsByTagName('failure')[0]!.getAttribute('type')).toBe('error');
    expect(gpu.getAttribute('file')).toBe('cdktf.out/stacks/ai-platform/cdk.tf.json');
    expect(gpu.getAttribute('line')).toBe('112');
    expect(gpu.getElementsByTagName('failure')[0]!.textContent).toContain('statement 0 (Sid TrainModels)');
    const suppressed = byName('aws_iam_role.preprocess_role [sagemaker:CreateModelPackage]');
    expect(suppressed.getElementsByTagName('failure')).toHaveLength(0);
    expect(suppressed.getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'suppressed: Model promotion job registers packages until the registry service ships (PLAT-812) (owner ml-platform@example.com) (expires 2027-03-31) ' +
        '[hybridguard.config.yaml:14]',
    );
    const inBaseline = byName('aws_lambda_function.ingest');
    expect(inBaseline.getElementsByTagName('failure')).toHaveLength(0);
    expect(inBaseline.getElementsByTagName('system-out')[0]!.textContent).toMatch(/^in baseline/);
    expect(byName('no findings').getAttribute('classname')).toBe('HG-NET-002.no-public-function-url');
  });

  it('honours --fail-on', () => {
    const errorsOnly = render('junit', results, { color: false, failOn: 'error' });
    expect(errorsOnly).toContain('<testsuites name="hybridguard 0.1.0" tests="10" failures="2"');
    const notes = render('junit', withoutBaseline(results), { color: false, failOn: 'note' });
    expect(notes).toContain('failures="6"');
  });
});

describe('markdown reporter', () => {
  const md = render('markdown', results, { color: false });

  it('gives counts by severity, then only the new findings grouped by rule, worst first, with rule-doc links, details collapsed', () => {
    expect(md).toContain('## hybridguard: ❌ 3 findings fail the check');
    expect(md).toContain('| error | 3 |\n| warning | 2 |\n| note | 1 |\n| undecided (value unknown until apply) | 1 |\n| suppressed | 2 |');
    expect(md).toContain('Baseline `hybridguard-baseline.json`: **4 new**, 2 unchanged, 2 fixed.');
    const summaries = [...md.matchAll(/<details><summary>([^<]*)<\/summary>/g)].map((m) => m[1]);
    expect(summaries).toEqual([
      'error · HG-IAM-001 no-gpu-in-functions · 1 finding, 1 failing',
      'error · HG-NET-001 only-gateway-public · 1 finding, 1 failing',
      'warning · HG-META-001 expired-suppression · 1 finding, 1 failing',
      'note · HG-RES-001 bucket-versioning · 1 finding',
      'Undecided (1): could not decide, value unknown until apply',
      'Suppressed (2)',
    ]);
    const gpu = md.slice(md.indexOf('HG-IAM-001 no-gpu-in-functions ·'), md.indexOf('</details>'));
    expect(gpu).toContain('Rule: [HG-IAM-001 no-gpu-in-functions](<docs/rules/no-gpu-in-functions.md>).');
    expect(gpu).toContain(
      '| `aws_iam_role.ingest_role` | aws\\_iam\\_role.ingest\\_role (function) can call sagemaker\\:CreateTrainingJob, which grants gpu-compute |',
    );
    // The finding already in the baseline is not shown.
    expect(md).not.toContain('HG-CODE-001');
  });

  it('links to ruleDocsBaseUrl when given; lists all findings without a baseline', () => {
    const other = render('markdown', withoutBaseline(results), { color: false, ruleDocsBaseUrl: 'https://docs.example.org/hybridguard/rules/' });
    expect(other).toContain('(<https://docs.example.org/hybridguard/rules/no-gpu-in-functions.md>)');
    expect(other).toContain('### Findings (6)');
    expect(other).not.toContain('Baseline');
  });

  it("stays under GitHub's 65,536-character limit with thousands of findings whose texts grow when escaped", () => {
    const base = withoutBaseline(results).results[0]!;
    // Bidi overrides become six-character escapes on the way out; markup doubles when escaped.
    const noisy = '\u202e<b>*_|'.repeat(60);
    const many = Array.from({ length: 5000 }, (_, i) => ({
      ...base,
      ruleId: `HG-X-${i % 40}`,
      ruleName: `rule-${i % 40}`,
      severity: (['error', 'warning', 'note'] as const)[i % 3]!,
      message: `${noisy} ${i}`,
      location: { ...base.location, address: `aws_iam_role.r${i}${noisy}` },
      fingerprint: `HG-X-${i % 40}|aws_iam_role.r${i}|`,
      ...(i % 7 === 0 ? { suppression: { reason: noisy, source: 'c.yaml:1' } } : {}),
      ...(i % 11 === 0 ? { undecided: true } : {}),
    }));
    const big = render('markdown', { ...withoutBaseline(results), results: many }, { color: false, failOn: 'note' });
    expect(big.length).toBeLessThan(65_536);
    expect(big).toMatch(/\*\*… and [\d,]+ more findings not shown here\*\*/);
    expect(big.split('<details>').length).toBe(big.split('</details>').length);
  });

  it('says so when nothing is new', () => {
    const none = render('markdown', { ...results, results: results.results.map((r) => ({ ...r, isNew: false })) }, { color: false });
    expect(none).toContain('## hybridguard: ✅ No finding fails the check');
    expect(none).toContain('No new findings.');
  });
});
