/**
 * SARIF 2.1.0 reporter, per the architecture's contract: every rule in `tool.driver.rules`;
 * each result with ruleId/ruleIndex/level/message and a first location that carries the
 * Terraform address as a logical location and the input (or handler source) file as a
 * physical one. Suppressed findings stay in the log with `suppressions`; undecided ones are
 * `kind: review`. No timestamps, no invocation: same results, same bytes.
 */
import type { Location } from '../model/types.js';
import type { Result, RuleDescriptor, RunResults, Severity } from '../model/findings.js';
import { compact, displayPath, ruleDocUrl, ruleIndex, sortKeysDeep, type RenderOptions } from './common.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const HYBRIDGUARD_INFORMATION_URI = 'https://www.npmjs.com/package/hybridguard';
/**
 * Key of our fingerprint in `partialFingerprints` (versioned, as SARIF recommends). v2: the
 * shared identity of engine/fingerprint.ts (rule, address or relative file, subject), the same
 * as baselines'; v1 fell back to the message and churned when a message was reworded.
 */
const FINGERPRINT_KEY = 'hybridguard/v2';

// GitHub code scanning ranks security results by this property (0.1-10).
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

type Json = Record<string, unknown>;

/** `module.vpc`, `stack:module.a.module.b["x"]`: a module call itself, not a resource inside it. */
const MODULE_CALL = /(^|[.:])module\.[\w-]+(\[[^\]]*\])?$/;

export function renderSarif(results: RunResults, options: RenderOptions): string {
  const cwd = options.cwd;
  const rules = ruleIndex(results);

  // Artifacts: every input file plus every file a location points at, sorted, so indices are stable.
  const files = new Set<string>(results.inputs.map((f) => displayPath(f, cwd)));
  for (const r of results.results) {
    files.add(displayPath(r.location.file, cwd));
    for (const e of r.evidence) if (e.location) files.add(displayPath(e.location.file, cwd));
  }
  const artifactList = [...files].filter((f) => f !== '').sort();
  const artifactIndex = new Map(artifactList.map((f, i) => [f, i]));

  const physical = (location: Location): Json | undefined => {
    const path = displayPath(location.file, cwd);
    if (path === '') return undefined;
    return compact({
      artifactLocation: { uri: toUri(path), index: artifactIndex.get(path) },
      region: location.line !== undefined && location.line >= 1 ? { startLine: location.line } : undefined,
    });
  };

  const sarifLocation = (location: Location, extra: Json = {}): Json =>
    compact({
      ...extra,
      physicalLocation: physical(location),
      logicalLocations: location.address
        ? [
            compact({
              fullyQualifiedName: location.address,
              kind: MODULE_CALL.test(location.address) ? 'module' : 'resource',
              properties: location.constructPath ? { constructPath: location.constructPath } : undefined,
            }),
          ]
        : undefined,
    });

  // Findings that share an identity (one rule, one resource, no subject) are told apart by their
  // rank among those, in the engine's deterministic order: `#2`, `#3`, ...
  const seen = new Map<string, number>();
  const fingerprints = results.results.map((r) => {
    const n = (seen.get(r.fingerprint) ?? 0) + 1;
    seen.set(r.fingerprint, n);
    return n === 1 ? r.fingerprint : `${r.fingerprint}#${n}`;
  });

  const sarifResult = (r: Result, i: number): Json => {
    const entry = rules.get(r.ruleId);
    const related = r.evidence
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.location !== undefined)
      .map(({ e, i }) => sarifLocation(e.location!, { id: i + 1, message: { text: e.message } }));
    return compact({
      ruleId: r.ruleId,
      ruleIndex: entry?.index,
      // SARIF: a result whose kind is not `fail` must have level `none`.
      kind: r.undecided ? 'review' : 'fail',
      level: r.undecided ? 'none' : r.severity,
      message: { text: r.undecided ? `${r.message} (could not decide: value unknown until apply)` : r.message },
      locations: [sarifLocation(r.location)],
      relatedLocations: related.length > 0 ? related : undefined,
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints[i] ?? r.fingerprint },
      suppressions: r.suppression
        ? [
            {
              kind: r.suppression.source.startsWith('construct') ? 'inSource' : 'external',
              status: 'accepted',
              justification: r.suppression.reason,
              properties: compact({ owner: r.suppression.owner, expires: r.suppression.expires, source: r.suppression.source }),
            },
          ]
        : undefined,
      baselineState: results.baseline ? (r.isNew === false ? 'unchanged' : 'new') : undefined,
      properties: compact({
        severity: r.severity,
        serviceType: r.serviceType,
        serviceTypeReason: r.serviceTypeReason,
        subject: r.subject,
        remediation: r.remediation,
        evidence: r.evidence.map((e) =>
          compact({ kind: e.kind, message: e.message, data: e.data === undefined ? undefined : sortKeysDeep(e.data) }),
        ),
      }),
    });
  };

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: results.tool.name,
            version: results.tool.version,
            semanticVersion: results.tool.version,
            informationUri: HYBRIDGUARD_INFORMATION_URI,
            rules: results.rules.map((rule) => sarifRule(rule, options.ruleDocsBaseUrl)),
          },
        },
        artifacts: artifactList.map((f) => ({ location: { uri: toUri(f) } })),
        results: results.results.map((r, i) => sarifResult(r, i)),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(rule: RuleDescriptor, docsBase?: string): Json {
  const helpUri = rule.helpUri ?? (docsBase ? ruleDocUrl(rule.name, docsBase) : undefined);
  return compact({
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} ${rule.rationale}`.trim() },
    help: {
      text: `${rule.rationale}\n\nRemediation: ${rule.remediation}`,
      markdown: `**Why:** ${markdownText(rule.rationale)}\n\n**How to fix:** ${markdownText(rule.remediation)}`,
    },
    helpUri,
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: ['security', 'hybridguard', ...rule.serviceTypes.map((t) => `service-type:${t}`)],
      serviceTypes: [...rule.serviceTypes],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
    },
  });
}

/** Rule texts come from policy files (possibly user-written): no markup may come through. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~:@"']/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}

/** A relative posix path as a URI reference: each segment percent-encoded. */
function toUri(path: string): string {
  if (/^[A-Za-z]:\//.test(path)) return `file:///${path.split('/').map(encodeURIComponent).join('/').replace('%3A', ':')}`;
  if (path.startsWith('/')) return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
  return path.split('/').map(encodeURIComponent).join('/');
}
