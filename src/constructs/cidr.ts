/**
 * Literal subnet CIDRs (not `cidrsubnet()` expressions), so the synthesized JSON says exactly
 * which addresses each tier holds and the linter can reason about them before apply.
 */
export function subnetCidrs(vpcCidr: string, azCount: number, tiers: number): string[] {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(vpcCidr);
  if (!match) throw new Error(`invalid VPC CIDR "${vpcCidr}": expected a.b.c.d/n`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) throw new Error(`invalid VPC CIDR "${vpcCidr}": expected an IPv4 block from /16 to /24`);
  const count = azCount * tiers;
  // Smallest power of two that holds every subnet; each subnet gets an equal slice.
  let bits = 0;
  while (1 << bits < count) bits++;
  const subnetPrefix = prefix + bits;
  if (subnetPrefix > 28) throw new Error(`VPC CIDR ${vpcCidr} is too small for ${count} subnets (AWS subnets are at most /28)`);
  const base = (((octets[0] as number) << 24) | ((octets[1] as number) << 16) | ((octets[2] as number) << 8) | (octets[3] as number)) >>> 0;
  const network = (base & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
  if (network !== base) throw new Error(`invalid VPC CIDR "${vpcCidr}": host bits are set (did you mean ${toDotted(network)}/${prefix}?)`);
  const size = 2 ** (32 - subnetPrefix);
  return Array.from({ length: count }, (_, i) => `${toDotted(network + i * size)}/${subnetPrefix}`);
}

const toDotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
