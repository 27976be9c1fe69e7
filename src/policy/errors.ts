import { HybridguardError } from '../errors.js';

/**
 * Several located errors at once (every problem of every policy file), so a user fixes them in
 * one go. It is a `HybridguardError` whose own kind and location are the first error's; `format()`
 * prints one line per error.
 */
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
    return this.errors.map((e) => e.format()).join('\n');
  }
}

/** Throw nothing for no errors, the error itself for one, a `PolicyLoadError` for several. */
export function throwIfAny(errors: readonly HybridguardError[]): void {
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new PolicyLoadError(errors);
}
