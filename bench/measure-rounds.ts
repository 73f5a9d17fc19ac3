/**
 * Measures one cell of `npm run bench` in interleaved rounds: each round runs every target once,
 * in rotated order (floor, switchyard, floor, switchyard … with the starting target alternating),
 * so whatever else wakes up on the shared machine hits every target alike. Each run reads the
 * CPU of the proxy and of the mock from /proc before and after, and the mock's request count.
 * Passthrough and translated cells are driven by wrk, the time-to-first-chunk cell by the undici
 * loader (wrk does not see the first chunk).
 */
import { request } from 'undici';
import { runLoad } from './load.ts';
import type { MockStats } from './mock-upstream.ts';
import type { CellSpec, TargetRequest } from './perf-cells.ts';
import type { CellRounds, RoundSample } from './perf-report.ts';
import { processCpuMicros } from './process-cpu.ts';
import { runWrk } from './wrk.ts';

export interface ProxyProcess {
  url: string;
  pid: number;
}

export interface RoundPlan {
  proxies: Record<string, ProxyProcess>;
  mock: ProxyProcess;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  workDir: string;
  /** CPU list wrk (and this process, for the undici loader) runs on. */
  generatorCpus: string;
}

async function mockRequests(mockUrl: string): Promise<number | undefined> {
  try {
    const response = await request(`${mockUrl}/bench/stats`);
    return ((await response.body.json()) as MockStats).requests;
  } catch {
    return undefined;
  }
}

/** One request per target before timing: a wrong answer is reported verbatim instead of timed. */
export async function preflight(url: string, spec: TargetRequest): Promise<string | undefined> {
  try {
    const response = await request(`${url}${spec.path}`, {
      method: 'POST',
      headers: spec.headers,
      body: spec.body,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 || !text.includes(spec.marker)) return `HTTP ${response.statusCode}, no "${spec.marker}": ${text.slice(0, 1_500)}`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function runOnce(cell: CellSpec, spec: TargetRequest, proxy: ProxyProcess, plan: RoundPlan, seconds: number): Promise<RoundSample> {
  const cpu = (pid: number) => processCpuMicros(pid) ?? Number.NaN;
  const upstreamBefore = await mockRequests(plan.mock.url);
  const proxyBefore = cpu(proxy.pid);
  const mockBefore = cpu(plan.mock.pid);
  let sample: Omit<RoundSample, 'proxyCpuMicrosPerRequest' | 'mockCpuMicrosPerRequest' | 'upstreamPerRequest'>;
  if (cell.generator === 'wrk') {
    const result = await runWrk({
      origin: proxy.url,
      requests: [{ path: spec.path, bodyFile: spec.bodyFile, headers: spec.headers }],
      connections: cell.concurrency,
      durationSeconds: seconds,
      cpus: plan.generatorCpus,
      workDir: plan.workDir,
    });
    sample = {
      requestsPerSecond: result.requestsPerSecond,
      requests: result.requests,
      errors: result.errors,
      latencyP50Ms: result.latencyMs.p50,
      latencyP99Ms: result.latencyMs.p99,
      generatorCpuMicrosPerRequest: result.cpuMicros === undefined || result.requests === 0 ? undefined : result.cpuMicros / result.requests,
    };
  } else {
    const result = await runLoad({
      url: `${proxy.url}${spec.path}`,
      body: spec.body,
      headers: spec.headers,
      concurrency: cell.concurrency,
      durationMs: seconds * 1_000,
      expectBodyIncludes: spec.marker,
    });
    sample = {
      requestsPerSecond: result.requestsPerSecond,
      requests: result.requests,
      errors: result.errors,
      latencyP50Ms: result.latencyMs.p50,
      latencyP99Ms: result.latencyMs.p99,
      firstChunkP50Ms: result.firstChunkMs.p50,
      generatorCpuMicrosPerRequest: result.clientCpuMicrosPerRequest,
    };
  }
  const proxyCpu = cpu(proxy.pid) - proxyBefore;
  const mockCpu = cpu(plan.mock.pid) - mockBefore;
  const upstreamAfter = await mockRequests(plan.mock.url);
  const answered = Math.max(1, sample.requests);
  return {
    ...sample,
    proxyCpuMicrosPerRequest: proxyCpu / answered,
    mockCpuMicrosPerRequest: mockCpu / answered,
    upstreamPerRequest: upstreamBefore === undefined || upstreamAfter === undefined ? undefined : (upstreamAfter - upstreamBefore) / answered,
  };
}

/** Targets of the cell that have a running proxy, the floor first. */
export function cellTargets(cell: CellSpec, proxies: Record<string, ProxyProcess>): string[] {
  const targets = [cell.floor, 'baseline', 'switchyard'].filter((target) => proxies[target] !== undefined);
  return targets;
}

export async function measureRounds(cell: CellSpec, plan: RoundPlan): Promise<CellRounds> {
  const targets = cellTargets(cell, plan.proxies);
  const specFor = (target: string): TargetRequest => cell.requests[target === 'baseline' ? 'switchyard' : target]!;
  const rounds: Record<string, RoundSample[]> = Object.fromEntries(targets.map((target) => [target, []]));
  for (const target of targets) await runOnce(cell, specFor(target), plan.proxies[target]!, plan, plan.warmupSeconds);
  for (let round = 0; round < plan.rounds; round++) {
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) rounds[target]!.push(await runOnce(cell, specFor(target), plan.proxies[target]!, plan, plan.seconds));
  }
  return {
    name: cell.name,
    group: cell.group,
    generator: cell.generator,
    concurrency: cell.concurrency,
    floor: cell.floor,
    subject: 'switchyard',
    rounds,
    ...(cell.eventsPerStream === undefined ? {} : { eventsPerStream: cell.eventsPerStream }),
  };
}
