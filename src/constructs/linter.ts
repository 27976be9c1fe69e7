/**
 * The one place the constructs call the linter: loading the policy pack (for boundaries) and
 * checking the synthesized output (for synth-time validation). Both go through the CLI's own
 * entry points, so a synth failure shows exactly what `hybridguard check cdktf.out` prints.
 */
import { checkProject, loadPolicySet } from '../cli/run-check.js';
import { render } from '../report/index.js';
import { severityRank, type RunResults, type Severity } from '../model/findings.js';
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
  /** YYYY-MM-DD for suppression expiry (tests); default today. */
  readonly today?: string;
  readonly color?: boolean;
}

export interface SynthCheck {
  readonly results: RunResults;
  /** The CLI's text report of the same results. */
  readonly text: string;
  /** Findings that fail the gate (unsuppressed, decided, at or above `failOn`). */
  readonly failing: number;
}

/** Run the policies over synthesized output (a `cdktf.out` folder or a stack folder). */
export async function checkSynthesized(inputs: readonly string[], options: SynthCheckOptions = {}): Promise<SynthCheck> {
  const cwd = options.cwd ?? process.cwd();
  const code = options.code === false ? undefined : (options.code ?? cwd);
  const run = await checkProject({
    inputs,
    cwd,
    ...(code ? { code } : {}),
    ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}),
    ...(options.builtinPolicies === false ? { builtinPolicies: false } : {}),
    ...(options.today ? { today: options.today } : {}),
  });
  const failOn = options.failOn ?? run.config.failOn ?? 'error';
  // Same gate as `hybridguard check`: suppressed, undecided and baselined findings do not fail.
  const failing = run.results.results.filter(
    (r) => !r.suppression && !r.undecided && r.isNew !== false && severityRank(r.severity) >= severityRank(failOn),
  ).length;
  // Rendered exactly as `hybridguard check` renders it.
  const text = render('text', run.results, { color: options.color ?? false, cwd, failOn });
  return { results: run.results, text, failing };
}
