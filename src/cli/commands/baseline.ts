import type { Command } from 'commander';
import { checkProject } from '../../api/project.js';
import type { CliIo } from '../io.js';
import { emit, outputFileOf } from '../output.js';
import { visibleText } from '../../report/common.js';
import { addProjectOptions, projectOptions, type ProjectFlags } from './project-options.js';
import { baselinable, serializeBaseline } from '../../engine/baseline.js';

export function registerBaseline(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  addProjectOptions(
    program.command('baseline').description('write a baseline of the current findings, so a later `check --baseline FILE` fails only on new ones'),
  )
    .option('--output <file>', 'baseline file to write', '.hybridguard-baseline.json')
    .action(async (inputs: string[], flags: Omit<ProjectFlags, 'baseline'> & { output: string }) => {
      const run = await checkProject(projectOptions(inputs, io.cwd, flags, io.env));
      emit(io, serializeBaseline(run.results.results), flags.output);
      const target = outputFileOf(flags.output) ?? 'standard output';
      io.stderr.write(`hybridguard: wrote ${run.results.results.filter(baselinable).length} finding(s) to ${visibleText(target, true)}\n`);
    });
}
