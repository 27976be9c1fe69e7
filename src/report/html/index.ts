/**
 * The audit report: ONE self-contained HTML file (inline CSS, one tiny inline script, an inline
 * SVG diagram; nothing fetched from anywhere), answering on one page: what runs here and of
 * which type; who can do what that matters; what is reachable from the internet and by which
 * path; what is wrong, what is suppressed, by whom and until when; what the handler code calls
 * against what its role grants. Pure: AuditData + results in, a string out.
 *
 * Safety: every input-derived string goes through `esc`; a Content-Security-Policy allows no
 * network access at all and only our own script (by hash), so even a missed escape could not
 * run a script or load anything.
 *
 * One module per section (header.ts, inventory.ts, matrix.ts, exposure.ts, findings.ts,
 * handlers.ts, rules.ts); context.ts holds what they share (fragment ids, common fragments).
 */
import type { AuditData } from '../../model/audit.js';
import type { RunResults } from '../../model/findings.js';
import { pageContext } from './context.js';
import { exposureSection } from './exposure.js';
import { findingsSection } from './findings.js';
import { codeSection } from './handlers.js';
import { documentHead, navigation, pageHeader } from './header.js';
import { inventorySection } from './inventory.js';
import { permissionsSection } from './matrix.js';
import { rulesSection } from './rules.js';

interface AuditHtmlOptions {
  /** Page title; default `hybridguard audit`. */
  readonly title?: string;
  /** Absolute working directory, to show absolute paths relative to it. */
  readonly cwd?: string;
  /** Groups with more rows than this start collapsed (default 25). */
  readonly collapseAbove?: number;
}

export function renderAuditHtml(audit: AuditData, results: RunResults, options: AuditHtmlOptions = {}): string {
  const title = options.title ?? 'hybridguard audit';
  const page = pageContext(audit, options.cwd, options.collapseAbove ?? 25);
  return [
    ...documentHead(audit, title),
    ...pageHeader(audit, results, title),
    ...navigation(audit),
    ...inventorySection(audit, page),
    ...permissionsSection(audit, page),
    ...exposureSection(audit, page),
    ...findingsSection(audit, results, page),
    ...codeSection(audit, page),
    ...rulesSection(results, page),
    // Closes the rules section, then the page; the file ends with a newline.
    '</section></main></body></html>',
    '',
  ].join('\n');
}
