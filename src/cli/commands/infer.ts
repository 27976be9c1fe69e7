import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { choiceOption, type CliIo } from '../io.js';
import { emit } from '../output.js';
import { loadIamCatalog } from '../../inputs/iam-catalog.js';
import { createFsSourceHost } from '../../inputs/source-host.js';
import { inferHandlerPolicy, usePythonParser } from '../../analysis/code/index.js';
import { loadPythonGrammar } from '../../inputs/python-grammar.js';

export function registerInfer(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('infer')
    .description('print the least-privilege IAM policy document a handler needs, from its code')
    .argument('<handler>', 'handler source file')
    .option('--code <dir>', 'project root (for tsconfig paths and imports)', '.')
    .addOption(choiceOption('--format <format>', 'output format', ['json', 'text'], 'json'))
    .option('--output <file>', 'write the policy to a file')
    .action(async (handler: string, flags: { code: string; format: 'json' | 'text'; output?: string }) => {
      usePythonParser(await loadPythonGrammar());
      const root = resolve(io.cwd, flags.code);
      const entry = relative(root, resolve(io.cwd, handler)).split('\\').join('/');
      const inferred = inferHandlerPolicy(createFsSourceHost(root, { cwd: io.cwd }), entry, loadIamCatalog());
      const text = flags.format === 'json' ? JSON.stringify(inferred.document, null, 2) : [...inferred.explanations, ...inferred.notes].join('\n');
      emit(io, text, flags.output);
    });
}
