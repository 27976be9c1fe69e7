// V8 settings for a short-lived command, applied by bin/hybridguard.js before anything else loads
// (and by scripts/write-compile-cache.mjs, which also writes a code cache for them: V8 accepts a
// cache only under the flags it was made with).
//
// A large `check` runs for about a second. With V8's default interrupt budget, TurboFan optimizes
// hundreds of functions on background threads during that second (about 0.6 s of CPU at N = 1,000
// services, most of it for code that then runs a few milliseconds), and on a 2-core CI runner that
// work competes with the analysis itself. Eight times the budget leaves only code that stays hot
// to TurboFan: `check` at N = 1,000 uses about a third less CPU and ends about 12% sooner on the
// 2-core machine of the README's Speed section (Node 20).
import { setFlagsFromString } from 'node:v8';

const INTERRUPT_BUDGET = 8 * 67_584; // Node 20's (V8 11's) default, 66 KiB of bytecode, times eight

/** Applies the tuning, unless the user set the interrupt budget themselves (`node --interrupt-budget=N bin/hybridguard.js`). */
export function applyV8Tuning() {
  if (!process.execArgv.some((arg) => arg.startsWith('--interrupt-budget'))) setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
