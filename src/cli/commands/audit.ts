import type { Command } from 'commander';
import { checkProject } from '../run-check.js';
import type { CliIo } from '../main.js';
import { emit } from '../output.js';
import { collect } from './check.js';
import { buildAudit } from '../../engine/audit.js';
import { renderAudit } from '../../report/html/index.js';

export function registerAudit(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('audit')
    .description("the platform team's report: one self-contained HTML page (inventory, permission matrix, exposure diagram, findings)")
    .argument('[inputs...]', 'inputs as for check')
    .option('--code <dir>', 'project root of the handler code')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--config <file>', 'hybridguard.config.yaml|json')
    .option('--baseline <file>', 'show the difference from this baseline')
    .requiredOption('--out <file>', 'HTML file to write')
    .action(async (inputs: string[], flags: { code?: string; policy: string[]; config?: string; baseline?: string; out: string }) => {
      const run = await checkProject({
        inputs,
        cwd: io.cwd,
        policyPaths: flags.policy,
        ...(flags.code ? { code: flags.code } : {}),
        ...(flags.config ? { configPath: flags.config } : {}),
        ...(flags.baseline ? { baselinePath: flags.baseline } : {}),
      });
      emit(io, renderAudit(buildAudit(run.facts, run.results), run.results), flags.out);
      io.stderr.write(`hybridguard: wrote ${flags.out}\n`);
    });
}
