import type { RuleDescriptor, RunResults } from '../../model/findings.js';
import { plural } from '../common.js';
import { collapsible, type PageContext } from './context.js';
import { esc } from './escape.js';

/** Every rule that ran, with what it checks and why, and how many findings it made. The page's last section: the page closes it. */
export function rulesSection(results: RunResults, page: PageContext): string[] {
  const used = new Set(results.results.map((r) => r.ruleId));
  const ruleRow = (rule: RuleDescriptor): string => {
    const findings = used.has(rule.id) ? results.results.filter((r) => r.ruleId === rule.id).length : 0;
    const what = `${esc(rule.description)}<div class="muted">${esc(rule.rationale)}</div><div class="fix">${esc(rule.remediation)}</div>`;
    const severity = `<span class="sev ${esc(rule.severity)}">${esc(rule.severity)}</span>`;
    return `<tr><td class="addr">${esc(rule.id)}</td><td>${esc(rule.name)}</td><td>${severity}</td><td>${what}</td><td>${findings}</td></tr>`;
  };
  const head = '<thead><tr><th>Id</th><th>Name</th><th>Severity</th><th>What and why</th><th>Findings</th></tr></thead>';
  const table = `<table>${head}<tbody>${results.rules.map(ruleRow).join('')}</tbody></table>`;
  return ['<section id="rules"><h2>Rules</h2>', collapsible(`${plural(results.rules.length, 'rule')} ran`, table, results.rules.length <= page.collapseAbove)];
}
