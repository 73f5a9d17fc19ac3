/**
 * Measures one cell of the matrix (a mode and a concurrency) for every target, in rounds: each
 * round gives every target a slice of the cell's time, in rotated order. Anything else that
 * wakes up on the machine (a GC in the mock, another job) then hits all targets alike instead
 * of one of them, which is what keeps the switchyard ÷ floor ratio meaningful on a shared box.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { summarize } from './distribution.ts';
import { runLoad, type LoadResult } from './load.ts';
import type { MockStats } from './mock-upstream.ts';
import { processCpuMicros } from './process-cpu.ts';
import type { CellResult, Mode, Target } from './report.ts';

export interface CellTarget {
  target: Target;
  /** Origin to send `POST /v1/responses` to. */
  url: string;
  /** The proxy process to charge CPU to (none for direct). */
  pid: number | undefined;
}

export interface CellPlan {
  mode: Mode;
  concurrency: number;
  targets: CellTarget[];
  body: Buffer;
  headers: (target: Target) => Record<string, string>;
  completeMarker: string;
  mock: { url: string; pid: number };
  /** Measured time per target, split evenly over the rounds. */
  durationMs: number;
  rounds: number;
  /** Warm-up before a target's first round; later rounds only reopen their connections. */
  warmupMs: number;
}

interface Round {
  load: LoadResult;
  proxyCpuMicros: number;
  mockCpuMicros: number;
  upstreamRequests: number | undefined;
}

const REWARM_MS = 250;

async function mockRequestCount(mockUrl: string): Promise<number | undefined> {
  try {
    const response = await request(`${mockUrl}/bench/stats`);
    return ((await response.body.json()) as MockStats).requests;
  } catch {
    return undefined;
  }
}

async function measureRound(plan: CellPlan, target: CellTarget, warmupMs: number): Promise<Round> {
  const cpu = (pid: number | undefined): number => (pid === undefined ? 0 : (processCpuMicros(pid) ?? Number.NaN));
  let proxyCpuMicros = 0;
  let mockCpuMicros = 0;
  const upstreamBefore = await mockRequestCount(plan.mock.url);
  const load = await runLoad({
    url: `${target.url}/v1/responses`,
    body: plan.body,
    headers: plan.headers(target.target),
    concurrency: plan.concurrency,
    durationMs: plan.durationMs / plan.rounds,
    warmupMs,
    expectBodyIncludes: plan.completeMarker,
    beforeMeasure: () => {
      proxyCpuMicros = cpu(target.pid);
      mockCpuMicros = cpu(plan.mock.pid);
    },
    afterMeasure: () => {
      proxyCpuMicros = cpu(target.pid) - proxyCpuMicros;
      mockCpuMicros = cpu(plan.mock.pid) - mockCpuMicros;
    },
  });
  const upstreamAfter = await mockRequestCount(plan.mock.url);
  return {
    load,
    proxyCpuMicros,
    mockCpuMicros,
    upstreamRequests: upstreamBefore !== undefined && upstreamAfter !== undefined ? upstreamAfter - upstreamBefore : undefined,
  };
}

function merge(plan: CellPlan, target: CellTarget, rounds: Round[]): CellResult {
  const sum = (pick: (round: Round) => number): number => rounds.reduce((total, round) => total + pick(round), 0);
  const requests = sum((round) => round.load.requests);
  const elapsedMs = sum((round) => round.load.elapsedMs);
  const perRequest = (micros: number): number | null => (requests > 0 && Number.isFinite(micros) ? micros / requests : null);
  const upstream = rounds.every((round) => round.upstreamRequests !== undefined) ? sum((round) => round.upstreamRequests!) : null;
  return {
    target: target.target,
    mode: plan.mode,
    concurrency: plan.concurrency,
    requests,
    errors: sum((round) => round.load.errors),
    errorSamples: [...new Set(rounds.flatMap((round) => round.load.errorSamples))].slice(0, 5),
    gaveUp: rounds.some((round) => round.load.gaveUp),
    elapsedMs,
    requestsPerSecond: elapsedMs > 0 ? requests / (elapsedMs / 1000) : 0,
    latencyMs: summarize(rounds.flatMap((round) => round.load.latencySamples)),
    firstChunkMs: summarize(rounds.flatMap((round) => round.load.firstChunkSamples)),
    addedLatencyMs: null,
    proxyCpuMicrosPerRequest: target.pid === undefined ? null : perRequest(sum((round) => round.proxyCpuMicros)),
    mockCpuMicrosPerRequest: perRequest(sum((round) => round.mockCpuMicros)),
    clientCpuMicrosPerRequest: perRequest(sum((round) => round.load.clientCpuMicrosPerRequest * round.load.requests)) ?? 0,
    upstreamRequests: upstream,
  };
}

/** Returns one merged result per target, in the order of `plan.targets`. */
export async function measureCell(plan: CellPlan): Promise<CellResult[]> {
  const rounds = new Map<Target, Round[]>(plan.targets.map((target) => [target.target, []]));
  for (let index = 0; index < plan.rounds; index++) {
    // Rotate who goes first so no target always runs right after a pause or a warm-up.
    const order = plan.targets.map((_, offset) => plan.targets[(index + offset) % plan.targets.length]!);
    for (const target of order) {
      rounds.get(target.target)!.push(await measureRound(plan, target, index === 0 ? plan.warmupMs : REWARM_MS));
      await sleep(100);
    }
  }
  return plan.targets.map((target) => merge(plan, target, rounds.get(target.target)!));
}
