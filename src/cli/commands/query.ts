import type { Command } from 'commander';
import { exposure, whoCan } from '../../api/index.js';
import { choiceOption, type CliIo } from '../io.js';
import { emit } from '../output.js';
import { collect } from './project-options.js';
import type { ExposureReportEntry } from '../../analysis/network/index.js';

interface QueryFlags {
  readonly format: 'json' | 'text';
  readonly config?: string;
  readonly policy?: string[];
  readonly output?: string;
}

export function registerQuery(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  const query = program.command('query').description('ask the model a question: who can do what, what is reachable');

  query
    .command('who-can')
    .description('every principal allowed ACTION on at least one resource (or on --resource), after Deny, boundaries and NotAction')
    .argument('<action>', 'IAM action or pattern (case-insensitive), e.g. sagemaker:CreateModelPackage or sagemaker:Create*Package')
    .argument('[inputs...]', 'inputs as for check')
    .option('--resource <arn>', 'only principals allowed ACTION on this ARN')
    .addOption(choiceOption('--format <format>', 'output format', ['json', 'text'], 'text'))
    .option('--config <file>', 'hybridguard.config.yaml|json')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--output <file>', 'write the answer to a file')
    .action(async (action: string, inputs: string[], flags: QueryFlags & { resource?: string }) => {
      // IAM action names are case-insensitive, service prefix included; a pattern is answered per action it matches.
      const pattern = /[*?]/.test(action);
      const answer = await whoCan(action, { ...projectOptions(io, inputs, flags), ...(flags.resource ? { resource: flags.resource } : {}) });
      const text =
        flags.format === 'json'
          ? JSON.stringify(answer, null, 2)
          : answer.length === 0
            ? `No principal can ${action}${flags.resource ? ` on ${flags.resource}` : ''}.`
            : answer
                .map((entry) => {
                  const conditional = entry.conditional ? ' — only under conditions' : '';
                  const undecided = entry.undecided ? ` — undecided: ${entry.undecided}` : '';
                  return [
                    `${entry.address} (${entry.serviceType ?? 'untyped'})${pattern ? ` ${entry.action}` : ''}${conditional}${undecided}`,
                    ...entry.evidence.map((e) => `    ${e.message}`),
                  ].join('\n');
                })
                .join('\n');
      emit(io, text, flags.output);
    });

  query
    .command('exposure')
    .description(
      'every resource reachable from the internet, with its path and ports; then those that may be, with the value known only after apply that decides it',
    )
    .argument('[inputs...]', 'inputs as for check')
    .addOption(choiceOption('--format <format>', 'output format', ['json', 'text'], 'text'))
    .option('--config <file>', 'hybridguard.config.yaml|json')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--output <file>', 'write the answer to a file')
    .action(async (inputs: string[], flags: QueryFlags) => {
      const exposures = await exposure(projectOptions(io, inputs, flags));
      const text = flags.format === 'json' ? JSON.stringify(exposures, null, 2) : exposureText(exposures);
      emit(io, text, flags.output);
    });
}

function projectOptions(io: CliIo, inputs: readonly string[], flags: { config?: string; policy?: string[]; code?: string }) {
  return {
    inputs,
    cwd: io.cwd,
    policyPaths: flags.policy ?? [],
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(flags.code ? { code: flags.code } : {}),
  };
}

/** Reachable resources, then a separate section for those that depend on values known only after apply. */
function exposureText(entries: readonly ExposureReportEntry[]): string {
  const line = (e: ExposureReportEntry): string => {
    const how = e.viaGateway ? 'via the gateway' : 'DIRECTLY';
    const sources = e.sources ? `, only from ${e.sources.join(', ')}` : '';
    return `${e.address} (${e.serviceType ?? 'untyped'}) ${how} on ${e.ports.join(', ') || 'any port'}${sources}\n    ${e.path.join(' -> ')}`;
  };
  const reachable = entries.filter((e) => !e.undecided);
  const undecided = entries.filter((e) => e.undecided);
  if (entries.length === 0) return 'Nothing is reachable from the internet.';
  const sections = [reachable.length ? reachable.map(line).join('\n') : 'Nothing is certainly reachable from the internet.'];
  if (undecided.length) {
    sections.push(
      [
        `May be reachable, undecided because a value is known only after apply or is not in this configuration (${undecided.length}):`,
        ...undecided.map((e) => `${line(e)}\n    unknown: ${e.undecided}`),
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}
