/**
 * JSON reporter. The shape (schemaVersion 1) is documented here and kept stable:
 *
 * ```
 * {
 *   schemaVersion: 1,
 *   tool: { name, version },
 *   summary: { total, bySeverity: { error, warning, note }, suppressed, undecided,
 *              new?, unchanged?, fixed?, failing, failOn },
 *   inputs: [relative paths],
 *   baseline?: { file, fixed },
 *   rules: [{ id, name, severity, description, rationale, remediation, helpUri?, serviceTypes }],
 *   results: [{ ruleId, ruleName, severity, message, rationale, remediation, serviceType?,
 *               serviceTypeReason?, subject?, undecided, location: { file, address?,
 *               constructPath?, line?, jsonPointer? }, evidence: [{ kind, message, location?, data? }],
 *               fingerprint, suppression?: { reason, owner?, expires?, source }, isNew? }]
 * }
 * ```
 * Objects are written with a fixed key order (structured evidence `data` with sorted keys) and a
 * 2-space indent, so the same results give the same bytes.
 */
import type { Location } from '../model/types.js';
import type { Evidence, Result, RuleDescriptor, RunResults } from '../model/findings.js';
import { compact, displayPath, gateOf, sortKeysDeep, summarize, type RenderOptions } from './common.js';

const JSON_SCHEMA_VERSION = 1;

export function renderJson(results: RunResults, options: RenderOptions): string {
  const summary = summarize(results, gateOf(options));
  const document = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: results.tool.name, version: results.tool.version },
    summary: compact({
      total: summary.total,
      bySeverity: { error: summary.bySeverity.error, warning: summary.bySeverity.warning, note: summary.bySeverity.note },
      suppressed: summary.suppressed,
      undecided: summary.undecided,
      new: summary.new,
      unchanged: summary.unchanged,
      fixed: summary.fixed,
      failing: summary.failing,
      failOn: summary.failOn,
    }),
    inputs: results.inputs.map((f) => displayPath(f, options.cwd)),
    ...(results.baseline ? { baseline: { file: displayPath(results.baseline.file, options.cwd), fixed: results.baseline.fixed } } : {}),
    rules: results.rules.map(jsonRule),
    results: results.results.map((r) => jsonResult(r, options.cwd)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function jsonRule(rule: RuleDescriptor): object {
  return compact({
    id: rule.id,
    name: rule.name,
    severity: rule.severity,
    description: rule.description,
    rationale: rule.rationale,
    remediation: rule.remediation,
    helpUri: rule.helpUri,
    serviceTypes: [...rule.serviceTypes],
  });
}

function jsonLocation(location: Location, cwd?: string): object {
  return compact({
    file: displayPath(location.file, cwd),
    address: location.address,
    constructPath: location.constructPath,
    line: location.line,
    jsonPointer: location.jsonPointer,
  });
}

function jsonEvidence(evidence: Evidence, cwd?: string): object {
  return compact({
    kind: evidence.kind,
    message: evidence.message,
    location: evidence.location ? jsonLocation(evidence.location, cwd) : undefined,
    data: evidence.data === undefined ? undefined : sortKeysDeep(evidence.data),
  });
}

function jsonResult(r: Result, cwd?: string): object {
  return compact({
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    severity: r.severity,
    message: r.message,
    rationale: r.rationale,
    remediation: r.remediation,
    serviceType: r.serviceType,
    serviceTypeReason: r.serviceTypeReason,
    subject: r.subject,
    undecided: r.undecided === true,
    location: jsonLocation(r.location, cwd),
    evidence: r.evidence.map((e) => jsonEvidence(e, cwd)),
    fingerprint: r.fingerprint,
    suppression: r.suppression
      ? compact({ reason: r.suppression.reason, owner: r.suppression.owner, expires: r.suppression.expires, source: r.suppression.source })
      : undefined,
    isNew: r.isNew,
  });
}
