/**
 * `npm run bench`: the overhead benchmark of the same-dialect passthrough path.
 *
 * Starts the mock upstream, the floor proxy and Switchyard as child processes, then measures the
 * matrix {direct, floor, switchyard} × {json, sse} × concurrency, cell by cell with the three
 * targets back to back so they see the same machine state. Prints a Markdown table and the
 * headline ratios, and writes bench/results/latest.json.
 *
 *   --only direct,floor        targets to measure (default: all three)
 *   --modes json,sse           response modes (default: both)
 *   --concurrency 1,16,64      client concurrency levels (default: 1,16,64)
 *   --baseline DIR             also measure Switchyard from another checkout (e.g. a git worktree of
 *                              the commit before a change), interleaved with this one
 *   BENCH_SECONDS=5            measured seconds per cell and target; BENCH_WARMUP_SECONDS=1 before it
 *   BENCH_ROUNDS=3             the seconds are split into this many rounds, targets interleaved
 *   BENCH_SWITCHYARD_YAML=…    config lines added for this checkout's gateway only (not the baseline)
 *   BENCH_CPU_PROF=DIR         write V8 CPU profiles of the floor and Switchyard into DIR
 *   BENCH_CPU_PROF_INTERVAL=µs sampling interval for those profiles (default 1000; 100 for detail)
 *
 * `npm run bench -- startup` measures start-up time and idle RSS instead (see bench/startup.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { ChildServerError, startChildServer, type ChildServer } from './child-server.ts';
import { measureCell } from './measure-cell.ts';
import { MOCK_API_KEY, MOCK_MODEL } from './mock-upstream.ts';
import { addDirectDeltas, baselineTable, cellTable, headlineTable, headlines, type CellResult, type Mode, type Target } from './report.ts';
import { GATEWAY_CLIENT_KEY, startGateway } from './start-gateway.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(repoRoot, 'bench');

function listArgument<T extends string>(name: string, fallback: T[]): T[] {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  return value
    ? (value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean) as T[])
    : fallback;
}

function secondsFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const targets = listArgument<Target>('--only', ['direct', 'floor', 'switchyard']);
const modes = listArgument<Mode>('--modes', ['json', 'sse']);
const concurrencies = listArgument('--concurrency', ['1', '16', '64']).map(Number);
const baselineIndex = process.argv.indexOf('--baseline');
const baselineDir = baselineIndex >= 0 ? resolve(process.argv[baselineIndex + 1] ?? '') : undefined;
const seconds = secondsFromEnv('BENCH_SECONDS', 5);
const warmupSeconds = secondsFromEnv('BENCH_WARMUP_SECONDS', 1);
const rounds = Math.max(1, Math.round(secondsFromEnv('BENCH_ROUNDS', 3)));
// Extra config for this checkout's gateway only (the baseline may not know the keys), e.g. guardrails off.
const switchyardYaml = process.env['BENCH_SWITCHYARD_YAML'];
const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
/** Node flags for the proxies: profiles are written when they exit on SIGTERM. */
const proxyNodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-interval', process.env['BENCH_CPU_PROF_INTERVAL'] ?? '1000', '--cpu-prof-dir', profileDir] : [];

const streamBody = readFileSync(join(benchDir, 'fixtures', 'codex-request.json'));
const unaryText = streamBody.toString('utf8').replace('"stream":true', '"stream":false');
if (!unaryText.includes('"stream":false')) throw new Error('bench/fixtures/codex-request.json has no "stream":true to flip');
const bodies: Record<Mode, Buffer> = { sse: streamBody, json: Buffer.from(unaryText) };
const codexHeaders = JSON.parse(readFileSync(join(benchDir, 'fixtures', 'codex-headers.json'), 'utf8')) as Record<string, string>;
/** Proof a response is complete: the SSE terminal event, or the last words of the JSON text. */
const completeMarker: Record<Mode, string> = { sse: 'response.completed', json: 'a strict schema.' };

function headersFor(target: Target, mode: Mode): Record<string, string> {
  return {
    ...codexHeaders,
    'content-type': 'application/json',
    accept: mode === 'sse' ? 'text/event-stream' : 'application/json',
    authorization: `Bearer ${target === 'direct' ? MOCK_API_KEY : GATEWAY_CLIENT_KEY}`,
  };
}

/** One request per mode before measuring: a target that answers wrongly is reported, not timed. */
async function preflight(target: Target, baseUrl: string): Promise<string | undefined> {
  for (const mode of modes) {
    try {
      const response = await request(`${baseUrl}/v1/responses`, {
        method: 'POST',
        headers: headersFor(target, mode),
        body: bodies[mode],
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 || !text.includes(completeMarker[mode])) {
        return `${mode} request answered HTTP ${response.statusCode}: ${text.slice(0, 2_000)}`;
      }
    } catch (error) {
      return `${mode} request failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

/** Which gateway source was measured: HEAD, and whether src/ had uncommitted changes. */
function sourceVersion(): { commit: string; srcDirty: boolean } | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return undefined;
  }
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-8_000);
  } catch {
    return '';
  }
}

interface GatewayStatus {
  state: 'not-requested' | 'ok' | 'failed';
  url?: string;
  error?: string;
  output?: string;
}

async function main(): Promise<number> {
  // Other work on the box skews every target; the load average says how quiet the run was.
  const loadAverageAtStart = loadavg();
  const source = sourceVersion();
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const children: ChildServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const gateway: GatewayStatus = { state: 'not-requested' };
  const cells: CellResult[] = [];
  try {
    const node = (name: string, script: string, args: string[], flags: string[] = []): Promise<ChildServer> =>
      startChildServer({
        name,
        command: process.execPath,
        args: [...flags, '--import', 'tsx', join('bench', script), ...args],
        cwd: repoRoot,
        logFile: join(workDir, `${name}.log`),
      });
    const mock = await node('mock', 'mock-upstream.ts', []);
    children.push(mock);
    const baseUrls = new Map<Target, { url: string; pid: number | undefined }>();
    if (targets.includes('direct')) baseUrls.set('direct', { url: mock.url, pid: undefined });
    if (targets.includes('floor')) {
      const floor = await node('floor', 'floor-proxy.ts', ['--upstream', `${mock.url}/v1`, '--api-key', MOCK_API_KEY], proxyNodeFlags);
      children.push(floor);
      baseUrls.set('floor', { url: floor.url, pid: floor.pid });
    }
    if (targets.includes('switchyard')) {
      try {
        const server = await startGateway({
          repoRoot,
          workDir,
          mockUrl: mock.url,
          upstreamApiKey: MOCK_API_KEY,
          model: MOCK_MODEL,
          nodeFlags: proxyNodeFlags,
          ...(switchyardYaml ? { extraYaml: switchyardYaml } : {}),
        });
        children.push(server);
        Object.assign(gateway, { state: 'ok', url: server.url });
        baseUrls.set('switchyard', { url: server.url, pid: server.pid });
      } catch (error) {
        Object.assign(gateway, {
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
          output: error instanceof ChildServerError ? error.output.slice(-8_000) : undefined,
        });
      }
    }
    if (baselineDir) {
      const baselineWork = join(workDir, 'baseline');
      mkdirSync(baselineWork);
      const server = await startGateway({
        repoRoot: baselineDir,
        workDir: baselineWork,
        mockUrl: mock.url,
        upstreamApiKey: MOCK_API_KEY,
        model: MOCK_MODEL,
        nodeFlags: proxyNodeFlags,
      });
      children.push(server);
      baseUrls.set('baseline', { url: server.url, pid: server.pid });
    }
    for (const [target, { url }] of [...baseUrls]) {
      const problem = await preflight(target, url);
      if (problem === undefined) continue;
      baseUrls.delete(target);
      if (target === 'switchyard') {
        Object.assign(gateway, { state: 'failed', error: `preflight: ${problem}`, output: readTail(join(workDir, 'switchyard.log')) });
      } else throw new Error(`${target} preflight failed: ${problem}`);
    }
    if (gateway.state === 'failed') {
      process.stdout.write(`\nswitchyard NOT measured: ${gateway.error}\n${gateway.output ? `--- its output ---\n${gateway.output}\n---\n` : ''}\n`);
    }
    const order = (['direct', 'floor', 'baseline', 'switchyard'] as const).filter((target) => baseUrls.has(target));
    process.stdout.write(
      `measuring ${order.join(', ')} × ${modes.join(', ')} × C=${concurrencies.join(', ')}: ${seconds}s each in ${rounds} interleaved rounds, after ${warmupSeconds}s warm-up\n`,
    );
    for (const mode of modes) {
      for (const concurrency of concurrencies) {
        const measured = await measureCell({
          mode,
          concurrency,
          body: bodies[mode],
          headers: (target) => headersFor(target, mode),
          completeMarker: completeMarker[mode],
          targets: order.map((target) => ({ target, ...baseUrls.get(target)! })),
          mock: { url: mock.url, pid: mock.pid },
          durationMs: seconds * 1_000,
          warmupMs: warmupSeconds * 1_000,
          rounds,
        });
        for (const cell of measured) {
          cells.push(cell);
          process.stdout.write(
            `  ${cell.target.padEnd(10)} ${mode.padEnd(4)} C=${String(concurrency).padEnd(3)} ${cell.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${cell.latencyMs.p50.toFixed(2)} ms  errors ${cell.errors}${cell.errorSamples[0] ? ` (${cell.errorSamples[0].slice(0, 160)})` : ''}\n`,
          );
        }
      }
    }
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
  addDirectDeltas(cells);
  const summary = headlines(cells);
  process.stdout.write(`\n${cellTable(cells)}\n\n${summary.length > 0 ? `${headlineTable(summary)}\n` : 'no switchyard cells: no headline ratios\n'}`);
  const versus = baselineTable(cells);
  if (versus) process.stdout.write(`\nagainst the baseline at ${baselineDir}:\n${versus}\n`);
  const results = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: process.platform,
      kernel: release(),
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
    },
    settings: { seconds, warmupSeconds, rounds, targets, modes, concurrencies, requestBodyBytes: { sse: bodies.sse.length, json: bodies.json.length } },
    source,
    gateway,
    cells,
    headlines: summary,
  };
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');
  process.stdout.write(`load average at start ${load(loadAverageAtStart)}, at end ${load(results.machine.loadAverageAtEnd)} (${cpus().length} CPUs)\n`);
  process.stdout.write('results written to bench/results/latest.json\n');
  const failedCells = cells.filter((cell) => cell.errors > 0 || cell.requests === 0);
  return gateway.state === 'failed' || failedCells.length > 0 ? 1 : 0;
}

// `npm run bench -- startup`: start-up time and idle memory of the compiled build instead (bench/startup.ts).
process.exitCode = process.argv[2] === 'startup' ? await (await import('./startup.ts')).runStartupBench() : await main();
