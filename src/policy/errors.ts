import { HybridguardError } from '../errors.js';

/**
 * Several located errors at once (every problem of every policy file), so a user fixes them in
 * one go. It is a `HybridguardError` whose own kind and location are the first error's; `format()`
 * prints one line per error.
 */
const MAX_PRINTED = 20;

export class PolicyLoadError extends HybridguardError {
  readonly errors: readonly HybridguardError[];

  constructor(errors: readonly HybridguardError[]) {
    const first = errors[0];
    if (!first) throw new Error('PolicyLoadError needs at least one error');
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    super(first.kind, `${first.message}${more}`, first.location, first.expected);
    this.errors = errors;
  }

  override format(): string {
    const shown = this.errors.slice(0, MAX_PRINTED).map((e) => e.format());
    if (this.errors.length > MAX_PRINTED) shown.push(`... and more errors: fix these and run again`);
    return shown.join('\n');
  }
}

/** Throw nothing for no errors, the error itself for one, a `PolicyLoadError` for several. */
export function throwIfAny(errors: readonly HybridguardError[]): void {
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new PolicyLoadError(errors);
}
