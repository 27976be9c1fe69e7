/**
 * JUnit XML reporter, for CI systems that show test results: one testsuite per rule, one
 * testcase per finding. A finding that fails the gate (unsuppressed, at or above `failOn`, new
 * when a baseline is used) is a `<failure>`; suppressed and undecided findings are `<skipped>`
 * with the reason; the rest pass with their text in `<system-out>`. A rule without findings
 * gets one passing testcase, so dashboards show it ran.
 */
import type { Result, RunResults } from '../model/findings.js';
import { displayPath, fileLine, gateOf, isFailing, ruleIndex, type RenderOptions } from './common.js';

/**
 * Text safe for XML 1.0 content and attribute values: markup characters escaped, characters XML
 * 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) replaced with U+FFFD.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '"' ? '&quot;' : '&apos;'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    // Attribute values: keep line breaks and tabs from being normalised away by parsers.
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const attr = (text: string): string => xmlEscape(text).replace(/\n/g, '&#10;');

export function renderJunit(results: RunResults, options: RenderOptions): string {
  const failOn = options.failOn ?? 'warning';
  const cwd = options.cwd;
  const byRule = new Map<string, Result[]>();
  for (const rule of results.rules) byRule.set(rule.id, []);
  for (const r of results.results) {
    const list = byRule.get(r.ruleId);
    if (list) list.push(r);
    else byRule.set(r.ruleId, [r]);
  }
  const rules = ruleIndex(results);

  const describe = (r: Result): string => {
    const lines = [r.message, `at ${fileLine(r.location, cwd)}${r.location.address ? ` ${r.location.address}` : ''}`];
    if (r.location.constructPath) lines.push(`construct ${r.location.constructPath}`);
    if (r.serviceType) lines.push(`service type ${r.serviceType}${r.serviceTypeReason ? ` (${r.serviceTypeReason})` : ''}`);
    lines.push('evidence:');
    for (const e of r.evidence) lines.push(`  - ${e.message}${e.location ? ` [${fileLine(e.location, cwd)}]` : ''}`);
    lines.push(`fix: ${r.remediation}`);
    return lines.join('\n');
  };

  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  const suites: string[] = [];
  const ids = [...byRule.keys()].sort();
  for (const id of ids) {
    const list = byRule.get(id)!;
    const name = rules.get(id)?.rule.name ?? list[0]?.ruleName ?? id;
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const r of list) {
      const target = r.location.address ?? fileLine(r.location, cwd);
      const caseName = r.subject ? `${target} [${r.subject}]` : target;
      const head = `    <testcase classname="${attr(`${id}.${name}`)}" name="${attr(caseName)}" file="${attr(displayPath(r.location.file, cwd))}"${
        r.location.line !== undefined ? ` line="${r.location.line}"` : ''
      }>`;
      if (isFailing(r, results, gateOf(options))) {
        failures++;
        cases.push(`${head}\n      <failure type="${r.severity}" message="${attr(r.message)}">${xmlEscape(describe(r))}</failure>\n    </testcase>`);
      } else if (r.suppression) {
        skipped++;
        const s = r.suppression;
        const why = `suppressed: ${s.reason}${s.owner ? ` (owner ${s.owner})` : ''}${s.expires ? ` (expires ${s.expires})` : ''} [${s.source}]`;
        cases.push(`${head}\n      <skipped message="${attr(why)}"/>\n      <system-out>${xmlEscape(describe(r))}</system-out>\n    </testcase>`);
      } else if (r.undecided) {
        skipped++;
        cases.push(
          `${head}\n      <skipped message="could not decide: value unknown until apply"/>\n      <system-out>${xmlEscape(
            describe(r),
          )}</system-out>\n    </testcase>`,
        );
      } else {
        // Below --fail-on, or already in the baseline: reported, not failing.
        const note = results.baseline && r.isNew === false ? 'in baseline' : `${r.severity} below --fail-on ${failOn}`;
        cases.push(`${head}\n      <system-out>${xmlEscape(`${note}\n${describe(r)}`)}</system-out>\n    </testcase>`);
      }
    }
    if (list.length === 0) cases.push(`    <testcase classname="${attr(`${id}.${name}`)}" name="no findings"/>`);
    const tests = Math.max(list.length, 1);
    totalTests += tests;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push(
      `  <testsuite name="${attr(`${id} ${name}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join(
        '\n',
      )}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(
      `${results.tool.name} ${results.tool.version}`,
    )}" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
