/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and total
 * (self + callees) time per source file, so hot spots can be named with their share.
 *
 *   node --import tsx bench/profile.ts PROFILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const shortUrl = (url: string): string => {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm);
  const at = path.search(/\/(dist|src|bin)\//);
  return at >= 0 ? path.slice(at + 1) : path || '(native)';
};

export function summarizeProfile(file: string, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time from samples and their time deltas (more exact than hitCount x interval).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  const fileTotal = new Map<string, number>();
  const keyOf = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const key = keyOf(node);
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + ms);
    const seenFn = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const curNode = byId.get(cur);
      if (!curNode || !curNode.callFrame.url.includes('/dist/')) continue;
      const k = keyOf(curNode);
      if (seenFn.has(k)) continue;
      seenFn.add(k);
      fnTotal.set(k, (fnTotal.get(k) ?? 0) + ms);
    }
    // Inclusive per file: charge each distinct file on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = shortUrl(byId.get(cur)?.callFrame.url ?? '');
      if (seen.has(f)) continue;
      seen.add(f);
      fileTotal.set(f, (fileTotal.get(f) ?? 0) + ms);
    }
  }
  const table = (map: Map<string, number>, title: string): string[] => [
    title,
    ...[...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `  ${(ms).toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`),
  ];
  return [
    `total sampled ${total.toFixed(0)} ms`,
    ...table(fnSelf, 'self time by function:'),
    ...table(fnTotal, 'inclusive time by hybridguard function:'),
    ...table(fileTotal, 'inclusive time by file:'),
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile.ts PROFILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, top ? Number(top) : 25));
}
