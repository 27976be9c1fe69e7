import type { Command } from 'commander';
import { infer } from '../../api/index.js';
import { choiceOption, type CliIo } from '../io.js';
import { emit } from '../output.js';

export function registerInfer(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('infer')
    .description('print the least-privilege IAM policy document a handler needs, from its code')
    .argument('<handler>', 'handler source file')
    .option('--code <dir>', 'project root (for tsconfig paths and imports)', '.')
    .addOption(choiceOption('--format <format>', 'output format', ['json', 'text'], 'json'))
    .option('--output <file>', 'write the policy to a file')
    .action(async (handler: string, flags: { code: string; format: 'json' | 'text'; output?: string }) => {
      const inferred = await infer(handler, { cwd: io.cwd, code: flags.code });
      const text = flags.format === 'json' ? JSON.stringify(inferred.document, null, 2) : [...inferred.explanations, ...inferred.notes].join('\n');
      emit(io, text, flags.output);
    });
}
