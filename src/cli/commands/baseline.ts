import type { Command } from 'commander';
import { checkProject } from '../run-check.js';
import type { CliIo } from '../main.js';
import { emit } from '../output.js';
import { collect } from './check.js';
import { serializeBaseline } from '../../engine/baseline.js';

export function registerBaseline(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('baseline')
    .description('write a baseline of the current findings, so a later `check --baseline FILE` fails only on new ones')
    .argument('[inputs...]', 'inputs as for check')
    .option('--code <dir>', 'project root of the handler code')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--config <file>', 'hybridguard.config.yaml|json')
    .option('--output <file>', 'baseline file to write', '.hybridguard-baseline.json')
    .action(async (inputs: string[], flags: { code?: string; policy: string[]; config?: string; output: string }) => {
      const run = await checkProject({
        inputs,
        cwd: io.cwd,
        policyPaths: flags.policy,
        ...(flags.code ? { code: flags.code } : {}),
        ...(flags.config ? { configPath: flags.config } : {}),
      });
      emit(io, serializeBaseline(run.results.results), flags.output);
      io.stderr.write(`hybridguard: wrote ${run.results.results.length} finding(s) to ${flags.output}\n`);
    });
}
