/**
 * Glob matching with `*` (any run, possibly empty) and `?` (one character), as IAM matches
 * actions and ARNs. Linear-time greedy matching with one backtrack point, never a RegExp: a
 * user pattern like `a*a*a*a*b` cannot make it backtrack exponentially.
 */
export function globMatch(pattern: string, text: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const t = caseInsensitive ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starPi = -1;
  let starTi = 0;
  while (ti < t.length) {
    const pc = p[pi];
    if (pc === '*') {
      starPi = pi++;
      starTi = ti;
    } else if (pc !== undefined && (pc === '?' || pc === t[ti])) {
      pi++;
      ti++;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      ti = ++starTi;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');
