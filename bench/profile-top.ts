/**
 * Reads a V8 `.cpuprofile` (`BENCH_CPU_PROF=DIR npm run bench …`) and prints where the time went:
 * the top functions by self time, and the top files (or packages) by self time, in % of the
 * samples that were not idle. What the change table in docs/performance.md was read from.
 *
 *   node --import tsx bench/profile-top.ts FILE.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/** `node_modules/undici/…` → `undici`; a source file → its path under dist/ or src/. */
export function bucketOf(url: string): string {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const source = /\/(dist|src|bench)\/(.*)$/.exec(url);
  return source ? `${source[1]}/${source[2]}` : url;
}

export function selfTimes(profile: Profile): { functions: Map<string, number>; buckets: Map<string, number>; total: number; gc: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const buckets = new Map<string, number>();
  let total = 0;
  let gc = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(garbage collector)') gc += delta;
    if (IDLE.has(name) && name !== '(garbage collector)') return;
    total += delta;
    const key = `${name} ${bucketOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + delta);
    const bucket = name === '(garbage collector)' ? '(gc)' : bucketOf(node.callFrame.url);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta);
  });
  return { functions, buckets, total, gc };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile-top.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 30;
  const { functions, buckets, total } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const print = (title: string, map: Map<string, number>) => {
    process.stdout.write(`\n${title} (of ${(total / 1000).toFixed(0)} ms busy)\n`);
    for (const [key, value] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((100 * value) / total).toFixed(1).padStart(5)} %  ${key}\n`);
    }
  };
  print('self time by file or package', buckets);
  print('self time by function', functions);
}
