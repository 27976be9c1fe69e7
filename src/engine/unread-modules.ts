import type { ResourceGraph } from '../model/graph.js';
import type { UnreadModule } from '../model/types.js';
import type { Finding } from '../model/findings.js';
import { findingFingerprint } from './fingerprint.js';
import { MODULE_NOT_ANALYZED } from '../model/meta-rules.js';

const FIX_PATH = 'Correct the module\'s source path, or check out the module folder, so its resources can be read.';

/** One note per module call that was not read, at the module block. */
export function unreadModuleFindings(graph: ResourceGraph): Finding[] {
  return graph.unreadModules.map(unreadModuleFinding);
}

function unreadModuleFinding(call: UnreadModule): Finding {
  const where = `${call.location.file}${call.location.line !== undefined ? `:${call.location.line}` : ''}`;
  const source = call.source ? `source ${call.source}${call.version !== undefined ? `, version ${call.version}` : ''}` : 'no source';
  return {
    ruleId: MODULE_NOT_ANALYZED.id,
    ruleName: MODULE_NOT_ANALYZED.name,
    severity: MODULE_NOT_ANALYZED.severity,
    message: `${call.address} was not analyzed, none of its resources were checked: ${call.reason}`,
    rationale: MODULE_NOT_ANALYZED.rationale,
    remediation: call.fix === 'path' ? FIX_PATH : MODULE_NOT_ANALYZED.remediation,
    location: call.location,
    evidence: [
      {
        kind: 'module-call',
        message: `module block at ${where} (${source})`,
        location: call.location,
        data: { source: call.source, ...(call.version !== undefined ? { version: call.version } : {}), reason: call.reason },
      },
    ],
    subject: call.source,
    fingerprint: findingFingerprint({ ruleId: MODULE_NOT_ANALYZED.id, location: call.location, subject: call.source }),
  };
}
