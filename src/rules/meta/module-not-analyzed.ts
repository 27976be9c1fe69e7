import type { FindingDraft, RuleDescriptor } from '../../model/findings.js';
import type { ResourceGraph } from '../../model/graph.js';
import type { UnreadModule } from '../../model/types.js';

export const MODULE_NOT_ANALYZED: RuleDescriptor = {
  id: 'HG-META-003',
  name: 'module-not-analyzed',
  severity: 'note',
  description: 'A module call whose source could not be read: none of its resources were checked.',
  rationale:
    'Resources inside a module are as real as any other: a registry or git module can create roles, security groups and public endpoints. ' +
    'A check that passes without reading them says nothing about them, so the gap must be visible in every report.',
  remediation:
    'Run `terraform init` where the configuration lives (hybridguard reads modules from .terraform/modules/modules.json), ' +
    'or check the plan JSON (`terraform show -json`), which holds every module\'s resources, ' +
    'or vendor the module into the repository as a local ./ path. ' +
    'A module checked elsewhere: suppress this finding for its address, with that reason.',
  serviceTypes: [],
};

const FIX_PATH = 'Correct the module\'s source path, or check out the module folder, so its resources can be read.';

/** One note per module call that was not read, at the module block. */
export function moduleNotAnalyzedFindings(graph: ResourceGraph): FindingDraft[] {
  return graph.unreadModules.map(unreadModuleFinding);
}

function unreadModuleFinding(call: UnreadModule): FindingDraft {
  const where = `${call.location.file}${call.location.line !== undefined ? `:${call.location.line}` : ''}`;
  const source = call.source ? `source ${call.source}${call.version !== undefined ? `, version ${call.version}` : ''}` : 'no source';
  return {
    message: `${call.address} was not analyzed, none of its resources were checked: ${call.reason}`,
    ...(call.fix === 'path' ? { remediation: FIX_PATH } : {}),
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
  };
}
