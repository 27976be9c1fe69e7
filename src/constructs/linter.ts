/**
 * The one place the constructs call the linter: loading the policy pack (for boundaries) and
 * checking the synthesized output (for synth-time validation). Both go through the programmatic
 * API the CLI itself calls, so a synth failure shows exactly what `hybridguard check cdktf.out` prints.
 */
import { relative } from 'node:path';
import { check, loadPolicySet, type RunResults, type Severity } from '../api/index.js';
import type { PolicyPack } from './boundary.js';

export interface LinterOptions {
  /** Project root: where `hybridguard.config.*` and handler sources (`hybridguard:source`) live. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Extra policy files or folders, as `--policy`. */
  readonly policyPaths?: readonly string[];
  /** Skip the built-in packs (tests with their own packs). */
  readonly builtinPolicies?: boolean;
}

/** The capabilities and policies the linter would use in `cwd`. */
export function loadPolicyPack(options: LinterOptions = {}): PolicyPack {
  const loaded = loadPolicySet({
    cwd: options.cwd ?? process.cwd(),
    ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}),
    ...(options.builtinPolicies === false ? { builtinPolicies: false } : {}),
  });
  return { policies: loaded.policies, capabilities: loaded.capabilities };
}

export interface SynthCheckOptions extends LinterOptions {
  /** Handler code root (`--code`); default: the project root, so code rules run too. */
  readonly code?: string | false;
  /** Lowest severity that fails synthesis; default: the project config's `failOn`, else `error`. */
  readonly failOn?: Severity;
  /** Undecided findings at or above `failOn` fail synthesis too (`--fail-on-undecided`). */
  readonly failOnUndecided?: boolean;
  /** A baseline file: only findings not in it fail synthesis (`--baseline`). */
  readonly baseline?: string;
  /** YYYY-MM-DD for suppression expiry (tests); default today. */
  readonly today?: string;
  readonly color?: boolean;
  /**
   * Where `synthAndCheck` reports: one line when the gate passes, the report once when it fails.
   * Default: the process's standard error; `false` prints nothing (the caller reads the result).
   */
  readonly output?: { write(text: string): unknown } | false;
}

export interface SynthCheck {
  readonly results: RunResults;
  /** The CLI's text report of the same results. */
  readonly text: string;
  /** One line: `hybridguard: 0 errors, 3 warnings in cdktf.out`. */
  readonly summary: string;
  /** Findings that fail the gate (unsuppressed, decided, at or above `failOn`). */
  readonly failing: number;
}

/** Run the policies over synthesized output (a `cdktf.out` folder or a stack folder). */
export async function checkSynthesized(inputs: readonly string[], options: SynthCheckOptions = {}): Promise<SynthCheck> {
  const cwd = options.cwd ?? process.cwd();
  const code = options.code === false ? undefined : (options.code ?? cwd);
  // Same pipeline and gate as `hybridguard check`: suppressed, undecided and baselined findings do not fail.
  const run = await check({
    inputs,
    cwd,
    ...(code ? { code } : {}),
    ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}),
    ...(options.builtinPolicies === false ? { builtinPolicies: false } : {}),
    ...(options.today ? { today: options.today } : {}),
    ...(options.baseline ? { baselinePath: options.baseline } : {}),
    ...(options.failOn ? { failOn: options.failOn } : {}),
    ...(options.failOnUndecided ? { failOnUndecided: true } : {}),
  });
  const count = (severity: Severity) => run.results.results.filter((r) => r.severity === severity && !r.suppression && !r.undecided).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const where = inputs.map((input) => relative(cwd, input).split('\\').join('/') || '.').join(', ');
  return {
    results: run.results,
    // Rendered exactly as `hybridguard check` renders it.
    text: run.render('text', { color: options.color ?? false }),
    summary: `hybridguard: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')} in ${where}`,
    failing: run.failing.length,
  };
}
