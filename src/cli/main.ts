import { Command, CommanderError } from 'commander';
import { HybridguardError } from '../errors.js';
import { EXIT, type CliIo } from './io.js';
import { VERSION } from '../api/project.js';
import { visibleText } from '../report/common.js';
import { assertPrototypesIntact } from './output.js';

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Each command's module, loaded only when it runs (or for help), so `check` never loads audit or infer code. */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  check: async () => (await import('./commands/check.js')).registerCheck,
  query: async () => (await import('./commands/query.js')).registerQuery,
  policies: async () => (await import('./commands/policies.js')).registerPolicies,
  infer: async () => (await import('./commands/infer.js')).registerInfer,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  baseline: async () => (await import('./commands/baseline.js')).registerBaseline,
};

const EXAMPLES = `
Examples:
  $ hybridguard check cdktf.out                       check every stack of a cdktf app
  $ hybridguard check infra/ --code . --format sarif --output hybridguard.sarif
  $ hybridguard check plan.json --baseline .hybridguard-baseline.json --fail-on warning
  $ hybridguard query who-can sagemaker:CreateModelPackage cdktf.out
  $ hybridguard query exposure infra/ --format json
  $ hybridguard infer src/handlers/ingest.ts --code .
  $ hybridguard audit cdktf.out --code . --out report.html
  $ hybridguard policies explain no-gpu-in-functions

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, input or policy error.`;

/** Run the CLI; returns the exit code. Never throws, never prints a stack trace unless --debug. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode: number = EXIT.ok;
  const program = new Command('hybridguard')
    .description('Policy-as-code security and boundary linter for hybrid serverless + container AI platforms on AWS.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`hybridguard: ${visibleText(text.replace(/^error: /, 'usage error: '), true)}`),
    });
  const setExit = (code: number) => {
    exitCode = code;
  };
  // The first word that is not an option names the command (the global options take no value);
  // help, an unknown command or none at all register every command, in this order.
  const name = argv.find((arg) => !arg.startsWith('-'));
  const loaders = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]!] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, io, setExit);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    assertPrototypesIntact();
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof HybridguardError) {
      io.stderr.write(`hybridguard: ${visibleText(error.format(), true)}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return EXIT.error;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`hybridguard: internal error: ${visibleText(message, true)}\n`);
    io.stderr.write(
      debug && error instanceof Error && error.stack
        ? `${error.stack}\n`
        : 'This is a bug in hybridguard; rerun with --debug for the stack trace and report it.\n',
    );
    return EXIT.error;
  }
}

export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) if (!stream.listeners('error').includes(onOutputError)) stream.on('error', onOutputError);
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}

/**
 * A reader that went away (`hybridguard check cdktf.out | head`) is not a failure of the check:
 * the rest of the report is dropped and the exit code still gives the verdict. Any other failure
 * to write ends the command with exit 2 and one line, never an unhandled 'error' event.
 */
function onOutputError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  if (!process.stderr.destroyed) process.stderr.write(`hybridguard: cannot write the output: ${visibleText(error.message, true)}\n`);
  process.exit(EXIT.error);
}
