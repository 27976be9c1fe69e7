/** Orders strings by UTF-16 code units, as `Array.prototype.sort` does by default: the same order on every machine and locale. */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
