/** What every command shares: the process it talks to, the exit codes, option parsing. */
import { Option } from 'commander';
import { usageError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/findings.js';

/** Exit codes of the CLI contract. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

/** `--fail-on` and `--format` style options validated with our own error (exit 2, says what was expected). */
export function parseSeverity(value: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw usageError(`unknown --fail-on level "${value}"`, `one of ${SEVERITIES.join(', ')}`);
}

export function choiceOption(flags: string, description: string, choices: readonly string[], defaultValue?: string): Option {
  const option = new Option(flags, description).choices(choices);
  return defaultValue === undefined ? option : option.default(defaultValue);
}
