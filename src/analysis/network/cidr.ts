/**
 * Who a CIDR lets in, seen from the internet: `world` (every address: 0.0.0.0/0, ::/0),
 * `public` (some internet addresses), `private` (none: RFC 1918, CGNAT, loopback, link-local,
 * IPv6 ULA / link-local), or `invalid`.
 */
export type CidrScope = 'world' | 'public' | 'private' | 'invalid';

// Ranges no internet host can come from (start, end inclusive, as unsigned 32-bit ints).
const PRIVATE_V4: readonly (readonly [number, number])[] = [
  range('0.0.0.0', 8),
  range('10.0.0.0', 8),
  range('100.64.0.0', 10),
  range('127.0.0.0', 8),
  range('169.254.0.0', 16),
  range('172.16.0.0', 12),
  range('192.168.0.0', 16),
  range('224.0.0.0', 3), // multicast and reserved
].sort((a, b) => a[0] - b[0]);

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function range(base: string, bits: number): readonly [number, number] {
  const start = ipv4(base)!;
  const size = 2 ** (32 - bits);
  const lo = Math.floor(start / size) * size;
  return [lo, lo + size - 1];
}

export function classifyCidr(cidr: string): CidrScope {
  const text = cidr.trim();
  if (text.includes(':')) return classifyV6(text);
  const [addr, bitsText] = text.split('/');
  const ip = ipv4(addr ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (ip === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return 'invalid';
  if (bits === 0) return 'world';
  const size = 2 ** (32 - bits);
  const lo = Math.floor(ip / size) * size;
  const hi = lo + size - 1;
  // Public if any part of [lo, hi] lies outside the private ranges.
  let cursor = lo;
  for (const [plo, phi] of PRIVATE_V4) {
    if (phi < cursor) continue;
    if (plo > cursor) return 'public';
    cursor = phi + 1;
    if (cursor > hi) return 'private';
  }
  return cursor <= hi ? 'public' : 'private';
}

function classifyV6(text: string): CidrScope {
  const [addr, bitsText] = text.split('/');
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (!addr || !Number.isInteger(bits) || bits < 0 || bits > 128) return 'invalid';
  if (bits === 0) return 'world';
  const lower = addr.toLowerCase();
  if (lower === '::1' || lower === '::') return 'private';
  const first = lower.startsWith('::') ? 0 : Number.parseInt(lower.split(':')[0] ?? '', 16);
  if (Number.isNaN(first)) return 'invalid';
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast: only when the prefix stays inside them.
  if (bits >= 7 && (first & 0xfe00) === 0xfc00) return 'private';
  if (bits >= 10 && (first & 0xffc0) === 0xfe80) return 'private';
  if (bits >= 8 && (first & 0xff00) === 0xff00) return 'private';
  return 'public';
}

/** True if `inner` lies inside `outer` (IPv4 only; IPv6 compares only /0). */
export function cidrContains(outer: string, inner: string): boolean {
  if (outer.includes(':') || inner.includes(':')) return outer.endsWith('/0') && outer.includes(':') && inner.includes(':');
  const [oa, ob] = outer.split('/');
  const [ia, ib] = inner.split('/');
  const o = ipv4(oa ?? '');
  const i = ipv4(ia ?? '');
  const obits = ob === undefined ? 32 : Number(ob);
  const ibits = ib === undefined ? 32 : Number(ib);
  if (o === undefined || i === undefined || ibits < obits) return false;
  const size = 2 ** (32 - obits);
  return Math.floor(o / size) === Math.floor(i / size);
}
