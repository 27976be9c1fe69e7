/**
 * Sets of (protocol, port range), the currency of reachability: what a security group admits,
 * what a network ACL lets through, what a listener serves. Protocols are folded into five
 * buckets so "all traffic" is a finite set and subtraction (network ACL deny rules) is exact.
 */

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'other'] as const;
type Protocol = (typeof PROTOCOLS)[number];

type Interval = readonly [number, number];
const FULL: Interval = [0, 65535];

/** Immutable set of port intervals per protocol. Portless protocols (icmp, other) use the full range. */
export class PortSet {
  private constructor(private readonly byProto: ReadonlyMap<Protocol, readonly Interval[]>) {}

  static readonly EMPTY = new PortSet(new Map());
  static readonly ALL = new PortSet(new Map(PROTOCOLS.map((p) => [p, [FULL]] as const)));

  /**
   * From an AWS protocol (`tcp`, `6`, `-1`, `all`, `icmp`) and a port range. Returns undefined
   * for a protocol or port that is not a literal (the caller reports it as undecided).
   */
  static of(protocol: string | number, from?: number, to?: number): PortSet | undefined {
    const proto = normaliseProtocol(protocol);
    if (proto === undefined) return undefined;
    if (proto === 'all') return PortSet.ALL;
    if (proto === 'tcp' || proto === 'udp') {
      const lo = from ?? 0;
      const hi = to ?? (from ?? 65535);
      // -1 / 0..0 with an all-protocol rule is handled above; for tcp/udp a negative port means all.
      if (lo < 0 || hi < 0) return new PortSet(new Map([[proto, [FULL]]]));
      return new PortSet(new Map([[proto, [[Math.min(lo, hi), Math.max(lo, hi)] as Interval]]]));
    }
    return new PortSet(new Map([[proto, [FULL]]]));
  }

  static tcp(port: number): PortSet {
    return new PortSet(new Map([['tcp', [[port, port] as Interval]]]));
  }

  isEmpty(): boolean {
    return this.byProto.size === 0;
  }

  union(other: PortSet): PortSet {
    const out = new Map<Protocol, readonly Interval[]>();
    for (const p of PROTOCOLS) {
      const merged = merge([...(this.byProto.get(p) ?? []), ...(other.byProto.get(p) ?? [])]);
      if (merged.length) out.set(p, merged);
    }
    return new PortSet(out);
  }

  intersect(other: PortSet): PortSet {
    const out = new Map<Protocol, readonly Interval[]>();
    for (const [p, mine] of this.byProto) {
      const theirs = other.byProto.get(p);
      if (!theirs) continue;
      const result: Interval[] = [];
      for (const a of mine) for (const b of theirs) {
        const lo = Math.max(a[0], b[0]);
        const hi = Math.min(a[1], b[1]);
        if (lo <= hi) result.push([lo, hi]);
      }
      const merged = merge(result);
      if (merged.length) out.set(p, merged);
    }
    return new PortSet(out);
  }

  subtract(other: PortSet): PortSet {
    const out = new Map<Protocol, readonly Interval[]>();
    for (const [p, mine] of this.byProto) {
      let rest: Interval[] = [...mine];
      for (const cut of other.byProto.get(p) ?? []) {
        const next: Interval[] = [];
        for (const [lo, hi] of rest) {
          if (cut[1] < lo || cut[0] > hi) next.push([lo, hi]);
          else {
            if (cut[0] > lo) next.push([lo, cut[0] - 1]);
            if (cut[1] < hi) next.push([cut[1] + 1, hi]);
          }
        }
        rest = next;
      }
      if (rest.length) out.set(p, rest);
    }
    return new PortSet(out);
  }

  /** True if the set holds the given TCP (or UDP) port. */
  has(protocol: Protocol, port: number): boolean {
    return (this.byProto.get(protocol) ?? []).some(([lo, hi]) => lo <= port && port <= hi);
  }

  /** `["all"]`, or sorted labels like `tcp/22`, `tcp/8000-8100`, `tcp/all`, `udp/53`, `icmp`. */
  labels(): string[] {
    if (PROTOCOLS.every((p) => isFull(this.byProto.get(p)))) return ['all'];
    const out: string[] = [];
    for (const p of PROTOCOLS) {
      const list = this.byProto.get(p);
      if (!list) continue;
      if (p === 'icmp' || p === 'icmpv6' || p === 'other') {
        out.push(p);
        continue;
      }
      if (isFull(list)) {
        out.push(`${p}/all`);
        continue;
      }
      for (const [lo, hi] of list) out.push(lo === hi ? `${p}/${lo}` : `${p}/${lo}-${hi}`);
    }
    return out;
  }
}

function isFull(list: readonly Interval[] | undefined): boolean {
  return !!list && list.length === 1 && list[0]![0] === 0 && list[0]![1] === 65535;
}

function merge(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** AWS protocol names and numbers (`-1`, `all`, `6`, `tcp`, `17`, `udp`, `1`, `icmp`, `58`). */
export function normaliseProtocol(protocol: string | number): Protocol | 'all' | undefined {
  const text = String(protocol).trim().toLowerCase();
  if (text === '-1' || text === 'all' || text === '*') return 'all';
  if (text === 'tcp' || text === '6') return 'tcp';
  if (text === 'udp' || text === '17') return 'udp';
  if (text === 'icmp' || text === '1') return 'icmp';
  if (text === 'icmpv6' || text === '58') return 'icmpv6';
  if (/^\d+$/.test(text)) return 'other';
  return undefined;
}
