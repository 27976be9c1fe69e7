import type { Command } from 'commander';
import { checkProject } from '../run-check.js';
import { EXIT, choiceOption, parseSeverity, type CliIo } from '../main.js';
import { FORMATS, render, type Format } from '../../report/index.js';
import { severityRank, type RunResults, type Severity } from '../../engine/types.js';
import { emit, progressReporter, useColor } from '../output.js';

interface CheckFlags {
  readonly code?: string;
  readonly policy?: string[];
  readonly config?: string;
  readonly suppressions?: string;
  readonly format: Format;
  readonly output?: string;
  readonly baseline?: string;
  readonly failOn?: string;
}

export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('check infrastructure (and handler code with --code) against the policies')
    .argument('[inputs...]', 'cdktf.out folder, stack folder, *.tf.json, plan JSON, or folder of *.tf (default: nearest cdktf.out, else .)')
    .option('--code <dir>', 'project root of the handler code (enables code rules)')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--config <file>', 'hybridguard.config.yaml|json (default: found in the current folder)')
    .option('--suppressions <file>', 'central suppressions file (YAML or JSON), e.g. one owned by the security team')
    .addOption(choiceOption('--format <format>', 'output format', FORMATS, 'text'))
    .option('--output <file>', 'write the report to a file (written whole or not at all)')
    .option('--baseline <file>', 'fail only on findings not in this baseline')
    .option('--fail-on <level>', 'lowest severity that fails the run: error, warning or note (default: config, else error)')
    .action(async (inputs: string[], flags: CheckFlags) => {
      const failOnFlag = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      const progress = progressReporter(io);
      const run = await checkProject({
        inputs,
        cwd: io.cwd,
        ...(flags.code ? { code: flags.code } : {}),
        policyPaths: flags.policy ?? [],
        ...(flags.config ? { configPath: flags.config } : {}),
        ...(flags.suppressions ? { suppressionsPath: flags.suppressions } : {}),
        ...(flags.baseline ? { baselinePath: flags.baseline } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
      progress.done();
      const failOn = failOnFlag ?? run.config.failOn ?? 'error';
      const text = render(flags.format, run.results, { color: useColor(io, flags.output), cwd: io.cwd, failOn });
      emit(io, text, flags.output);
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

export const collect = (value: string, previous: string[]): string[] => [...previous, value];
