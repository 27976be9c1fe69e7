import type { Command } from 'commander';
import { check } from '../../api/index.js';
import { EXIT, choiceOption, parseSeverity, type CliIo } from '../io.js';
import { FORMATS, type Format } from '../../report/index.js';
import { emit, progressReporter, useColor } from '../output.js';
import { addProjectOptions, projectOptions, type ProjectFlags } from './project-options.js';

interface CheckFlags extends ProjectFlags {
  readonly format: Format;
  readonly output?: string;
  readonly failOn?: string;
  readonly failOnUndecided?: boolean;
  readonly showSuppressed?: boolean;
}

export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addProjectOptions(program.command('check').description('check infrastructure (and handler code with --code) against the policies'))
    .addOption(choiceOption('--format <format>', 'output format', FORMATS, 'text'))
    .option('--output <file>', 'write the report to a file (written whole or not at all)')
    .option('--baseline <file>', 'fail only on findings not in this baseline')
    .option('--fail-on <level>', 'lowest severity that fails the run: error, warning or note (default: config, else error)')
    .option('--fail-on-undecided', 'undecided findings (a value known only after apply) at or above --fail-on fail the run too')
    .option('--show-suppressed', 'list suppressed findings in full in the text report (default: one summary line)')
    .action(async (inputs: string[], flags: CheckFlags) => {
      const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      const progress = progressReporter(io);
      const run = await check({
        ...projectOptions(inputs, io.cwd, flags, io.env),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        ...(failOn ? { failOn } : {}),
        failOnUndecided: flags.failOnUndecided === true,
      });
      progress.done();
      const color = useColor(io, flags.output);
      emit(io, run.render(flags.format, { color, showSuppressed: flags.showSuppressed === true }), flags.output, color && flags.format === 'text');
      setExit(run.failing.length > 0 ? EXIT.findings : EXIT.ok);
    });
}
