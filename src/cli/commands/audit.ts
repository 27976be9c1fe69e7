import type { Command } from 'commander';
import { checkProject } from '../../api/project.js';
import type { CliIo } from '../io.js';
import { emit } from '../output.js';
import { addProjectOptions, projectOptions, type ProjectFlags } from './project-options.js';
import { buildAudit } from '../../engine/audit.js';
import { renderAuditHtml } from '../../report/html/index.js';

export function registerAudit(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  addProjectOptions(
    program.command('audit').description("the platform team's report: one self-contained HTML page (inventory, permission matrix, exposure diagram, findings)"),
  )
    .option('--baseline <file>', 'show the difference from this baseline')
    .requiredOption('--out <file>', 'HTML file to write')
    .action(async (inputs: string[], flags: ProjectFlags & { out: string }) => {
      const run = await checkProject(projectOptions(inputs, io.cwd, flags, io.env));
      emit(io, renderAuditHtml(buildAudit(run.facts, run.results), run.results), flags.out);
      io.stderr.write(`hybridguard: wrote ${flags.out}\n`);
    });
}
