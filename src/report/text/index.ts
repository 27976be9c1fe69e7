/**
 * Text reporter for people at a terminal: findings grouped by service type, then severity; each
 * with what (message), where (file:line, address, construct path), the evidence chain and the
 * fix. Undecided findings get their own section, never mixed with the gate's; suppressed ones are
 * one summary line unless `showSuppressed` (`--show-suppressed`) lists them in full.
 * Colour only when the CLI says so (it reads NO_COLOR and the TTY; we never look).
 */
import { Chalk } from 'chalk';
import type { Result, RunResults, Severity } from '../../model/findings.js';
import {
  fileLine,
  gateOf,
  groupByServiceType,
  isActive,
  isSuppressed,
  isUndecided,
  plural,
  summarize,
  visibleText,
  type RenderOptions,
} from '../common.js';

/**
 * Input-derived text may carry terminal control sequences (a resource name with an ANSI escape
 * that clears the screen, a line break that fakes a summary line): one value stays on one line,
 * with those shown as visible escapes. Our own colours are added after this.
 */
const safeText = (text: string): string => visibleText(text);

/** Multi-line text indented under a heading: every line indented, control characters made visible. */
function indentLines(text: string, indent: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => `${indent}${safeText(line)}`)
    .join('\n');
}

export function renderText(results: RunResults, options: RenderOptions): string {
  // Level 1 (16 colours) works on every terminal and CI log viewer that shows colour at all.
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const cwd = options.cwd;
  const sevLabel = (s: Severity): string =>
    s === 'error' ? c.red.bold('error  ') : s === 'warning' ? c.yellow.bold('warning') : c.blue.bold('note   ');
  const baselineUsed = results.baseline !== undefined;

  const out: string[] = [];
  const finding = (r: Result, label: string): void => {
    const tags = [baselineUsed && r.isNew !== false && !isSuppressed(r) ? c.magenta.bold('NEW') : ''].filter(Boolean);
    out.push(`  ${label} ${c.bold(safeText(r.ruleId))} ${c.dim(safeText(r.ruleName))}${tags.length ? ` ${tags.join(' ')}` : ''}`);
    out.push(indentLines(r.message, '    '));
    const where = [c.cyan(safeText(fileLine(r.location, cwd)))];
    if (r.location.address) where.push(safeText(r.location.address));
    if (r.location.constructPath) where.push(c.dim(`(${safeText(r.location.constructPath)})`));
    out.push(`    at ${where.join('  ')}`);
    if (r.subject) out.push(`    subject: ${safeText(r.subject)}`);
    if (r.serviceType) {
      out.push(`    service type: ${r.serviceType}${r.serviceTypeReason ? c.dim(` (${safeText(r.serviceTypeReason)})`) : ''}`);
    }
    if (r.evidence.length > 0) {
      out.push('    evidence:');
      for (const e of r.evidence) {
        const at = e.location ? c.dim(`  [${safeText(fileLine(e.location, cwd))}${e.location.address ? ` ${safeText(e.location.address)}` : ''}]`) : '';
        out.push(`${indentLines(`- ${e.message}`, '      ')}${at}`);
      }
    }
    out.push(`    ${c.green('fix:')} ${indentLines(r.remediation, '         ').trimStart()}`);
    if (r.suppression) {
      const s = r.suppression;
      const meta = [
        s.owner ? `owner ${safeText(s.owner)}` : 'no owner',
        s.expires ? `expires ${safeText(s.expires)}` : 'no expiry',
        `from ${safeText(s.source)}`,
      ];
      out.push(`    ${c.dim('suppressed:')} ${safeText(s.reason)} ${c.dim(`(${meta.join(', ')})`)}`);
    }
    out.push('');
  };

  const active = results.results.filter(isActive);
  const undecided = results.results.filter(isUndecided);
  const suppressed = results.results.filter(isSuppressed);

  out.push(c.bold(`${results.tool.name} ${safeText(results.tool.version)}`) + c.dim(` — ${plural(results.inputs.length, 'input file')}`));
  out.push('');

  if (active.length > 0) {
    for (const [type, list] of groupByServiceType(active)) {
      const heading = type === 'other' ? 'no service type' : type;
      out.push(c.bold.underline(`${heading} (${plural(list.length, 'finding')})`));
      out.push('');
      for (const r of list) finding(r, sevLabel(r.severity));
    }
  }

  if (undecided.length > 0) {
    out.push(
      c.bold.underline(
        `Undecided (${undecided.length}): could not decide: value unknown until apply${
          options.failOnUndecided ? ' (they fail the check: --fail-on-undecided)' : ''
        }`,
      ),
    );
    out.push('');
    for (const r of undecided) finding(r, c.magenta('undecided'));
  }

  if (suppressed.length > 0 && options.showSuppressed === true) {
    out.push(c.bold.underline(`Suppressed (${suppressed.length})`));
    out.push('');
    for (const r of suppressed) finding(r, c.dim('suppressed'));
  } else if (suppressed.length > 0) {
    // Accepted findings are reviewed where they are declared; a clean run shows only how many.
    const byRule = new Map<string, number>();
    for (const r of suppressed) byRule.set(r.ruleId, (byRule.get(r.ruleId) ?? 0) + 1);
    const rules = [...byRule].map(([id, n]) => (n > 1 ? `${safeText(id)} x${n}` : safeText(id))).join(', ');
    out.push(c.dim(`Suppressed: ${plural(suppressed.length, 'finding')} (${rules}); --show-suppressed lists them.`));
    out.push('');
  }

  const s = summarize(results, gateOf(options));
  const counts = [
    s.bySeverity.error ? c.red.bold(plural(s.bySeverity.error, 'error')) : plural(0, 'error'),
    s.bySeverity.warning ? c.yellow.bold(plural(s.bySeverity.warning, 'warning')) : plural(0, 'warning'),
    plural(s.bySeverity.note, 'note'),
  ];
  const extra = [`${s.suppressed} suppressed`, `${s.undecided} undecided`];
  if (s.new !== undefined) extra.push(`baseline: ${s.new} new, ${s.unchanged ?? 0} unchanged, ${s.fixed ?? 0} fixed`);
  out.push(`${c.bold('Summary:')} ${counts.join(', ')} · ${extra.join(' · ')}`);
  out.push(
    s.failing > 0
      ? c.red(`${plural(s.failing, 'finding')} at or above ${s.failOn}${s.new !== undefined ? ' not in the baseline' : ''} fail the check.`)
      : c.green(`No finding at or above ${s.failOn}${s.new !== undefined ? ' outside the baseline' : ''}.`),
  );
  return `${out.join('\n')}\n`;
}
