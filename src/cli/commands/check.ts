import type { Command } from 'commander';
import { checkProject } from '../run-check.js';
import { EXIT, choiceOption, parseSeverity, type CliIo } from '../io.js';
import { FORMATS, render, type Format } from '../../report/index.js';
import { severityRank, type RunResults, type Severity } from '../../model/findings.js';
import { emit, progressReporter, useColor } from '../output.js';
import { addProjectOptions, projectOptions, type ProjectFlags } from './project-options.js';

interface CheckFlags extends ProjectFlags {
  readonly format: Format;
  readonly output?: string;
  readonly failOn?: string;
}

export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addProjectOptions(program.command('check').description('check infrastructure (and handler code with --code) against the policies'))
    .addOption(choiceOption('--format <format>', 'output format', FORMATS, 'text'))
    .option('--output <file>', 'write the report to a file (written whole or not at all)')
    .option('--baseline <file>', 'fail only on findings not in this baseline')
    .option('--fail-on <level>', 'lowest severity that fails the run: error, warning or note (default: config, else error)')
    .action(async (inputs: string[], flags: CheckFlags) => {
      const failOnFlag = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      const progress = progressReporter(io);
      const run = await checkProject({
        ...projectOptions(inputs, io.cwd, flags, io.env),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
      progress.done();
      const failOn = failOnFlag ?? run.config.failOn ?? 'error';
      const color = useColor(io, flags.output);
      const text = render(flags.format, run.results, { color, cwd: io.cwd, failOn });
      emit(io, text, flags.output, color && flags.format === 'text');
      setExit(exitCodeFor(run.results, failOn));
    });
}

/** 1 when an unsuppressed, decided finding (new, under a baseline) is at or above `failOn`. */
export function exitCodeFor(results: RunResults, failOn: Severity): number {
  const failing = results.results.some(
    (r) => !r.suppression && !r.undecided && r.isNew !== false && severityRank(r.severity) >= severityRank(failOn),
  );
  return failing ? EXIT.findings : EXIT.ok;
}
