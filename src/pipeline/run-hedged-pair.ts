import type { ConfiguredProvider as Provider, TargetConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import type { Router } from '../routing/router.ts';
import { asGatewayError } from './client-io.ts';
import { estimateUsage } from './estimate-usage.ts';
import { outcomeOf } from './outcome-of.ts';
import type { RequestContext } from './request-context.ts';

/** What a hedged attempt gets instead of the request's own context and signal. */
export interface HedgeLane {
  context: RequestContext;
  signal: AbortSignal;
  /** Called just before the first byte goes to the client: true for the winner, false if another attempt already won. */
  claim: () => boolean;
}

export type HedgedAttempt = (provider: Provider, target: TargetConfig, fallbackCount: number, lane: HedgeLane) => Promise<void>;

export interface HedgedPairInput {
  context: RequestContext;
  router: Router;
  first: { provider: Provider; target: TargetConfig };
  second: { provider: Provider; target: TargetConfig };
  hedgeAfterMs: number;
  signal: AbortSignal;
  /** Request size, for estimating what a lost attempt cost when the provider never said. */
  inputBytes: number;
  /** The request's session (sticky sessions follow the winner). */
  sessionKey: string | undefined;
  attempt: HedgedAttempt;
}

/** Thrown into an attempt that lost the race (another one committed first). */
export class HedgeLostError extends Error {
  constructor() {
    super('another hedged attempt answered first');
    this.name = 'HedgeLostError';
  }
}

interface Lane {
  index: number;
  target: TargetConfig;
  context: RequestContext;
  controller: AbortController;
  started: number;
  settled: Promise<{ lane: Lane; error?: unknown }>;
}

/**
 * `strategy: hedge` for the first two targets: the first starts at once; when it has sent no
 * first byte after `hedgeAfterMs` (or failed in a way that allows a fallback), the second
 * starts too. The first to commit (claim the client) wins and the other is aborted upstream.
 * Every attempt that reached a provider is recorded — the loser with what it cost as far as
 * it got, estimated from the request when the provider reported nothing — so both are billed.
 * Resolves when the winner finished; throws the failure that ends the request (a caller
 * fault at once, otherwise only once both failed: `HedgedPairFailed` carries the last one so
 * the caller may go on to further targets).
 */
export async function runHedgedPair(input: HedgedPairInput): Promise<void> {
  const { context, signal } = input;
  const lanes: Lane[] = [];
  let winner: Lane | undefined;
  const failures: LaneFailure[] = [];

  const start = (index: number, entry: { provider: Provider; target: TargetConfig }): Lane => {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const child = context.forkAttempt();
    child.provider = entry.provider.config.name;
    child.servedModel = entry.target.model;
    child.pricing = entry.target.pricing;
    const lane = { index, target: entry.target, context: child, controller, started: context.elapsedMs() } as Lane;
    const claim = () => {
      if (winner !== undefined && winner !== lane) return false;
      winner = lane;
      for (const other of lanes) if (other !== lane) other.controller.abort(new HedgeLostError());
      return true;
    };
    lane.settled = input
      .attempt(entry.provider, entry.target, index, { context: child, signal: controller.signal, claim })
      .then(
        () => ({ lane }),
        (error: unknown) => ({ lane, error }),
      )
      .finally(() => signal.removeEventListener('abort', onAbort));
    lanes.push(lane);
    return lane;
  };

  const pending = new Set<Lane>([start(0, input.first)]);
  let timer: NodeJS.Timeout | undefined;
  const hedgeTimer = new Promise<'hedge'>((resolve) => {
    timer = setTimeout(() => resolve('hedge'), input.hedgeAfterMs);
  });
  const startSecond = () => {
    if (lanes.length < 2) pending.add(start(1, input.second));
  };

  const recorded = new Set<Lane>();
  /** Stops the other lanes, books them (losers first), then the lane that decided the request, and takes its state. */
  const finish = async (decisive: Lane, record: () => void, loserOutcome = 'hedge_lost'): Promise<void> => {
    for (const other of pending) other.controller.abort(signal.aborted ? signal.reason : new HedgeLostError());
    for (const other of pending) await other.settled;
    pending.clear();
    for (const other of lanes) if (other !== decisive && !recorded.has(other)) recordLoser(input, other, loserOutcome);
    record();
    context.adopt(decisive.context);
  };

  try {
    while (pending.size > 0) {
      const next = await Promise.race([...[...pending].map((lane) => lane.settled), ...(lanes.length < 2 && winner === undefined ? [hedgeTimer] : [])]);
      if (next === 'hedge') {
        startSecond();
        continue;
      }
      const { lane, error } = next;
      pending.delete(lane);
      if (error === undefined) {
        await finish(lane, () => recordLane(input, lane, 'ok'));
        if (lane.context.outcome === undefined || lane.context.outcome === 'ok') {
          input.router.recordSuccess(lane.target, lane.context.firstByteAfter(lane.started), input.sessionKey);
        }
        return;
      }
      if (signal.aborted) {
        // The client left: every lane that reached a provider is billed as a disconnect.
        await finish(lane, () => recordLoser(input, lane, 'client_disconnected'), 'client_disconnected');
        throw error;
      }
      // A lane stopped because the other one won: the winner's own settling books it.
      if (error instanceof HedgeLostError || (winner !== undefined && lane !== winner)) continue;
      const failure = asGatewayError(error, context.requestId);
      input.router.recordFailure(lane.target, failure.failureClass);
      failures.push({ target: lane.target, failure });
      if (lane === winner || failure.failureClass === 'caller-fault' || failure.failureClass === 'fatal') {
        // Committed and then broke, or the caller's own fault: nothing else may answer.
        await finish(lane, () => recordFailure(input, lane, failure));
        throw failure;
      }
      // A provider failure before any byte: booked (at no cost, like a retried attempt); the other target goes now.
      recordFailure(input, lane, failure);
      recorded.add(lane);
      startSecond();
    }
  } finally {
    clearTimeout(timer);
  }
  throw new HedgedPairFailed(failures);
}

export interface LaneFailure {
  target: TargetConfig;
  failure: GatewayError;
}

/** Both hedged attempts failed with provider faults (each one's failure, in order): the attempt loop may try further targets. */
export class HedgedPairFailed extends Error {
  readonly last: GatewayError;

  constructor(readonly failures: LaneFailure[]) {
    const last = failures.at(-1)?.failure ?? new GatewayError({ code: 'provider_error', message: 'Both hedged attempts failed.' });
    super(last.message, { cause: last });
    this.name = 'HedgedPairFailed';
    this.last = last;
  }
}

function recordLane(input: HedgedPairInput, lane: Lane, outcome: string): void {
  input.context.attempts.push({
    provider: lane.target.provider,
    model: lane.target.model,
    status: lane.context.status || null,
    outcome: lane.context.outcome ?? outcome,
    latencyMs: round(input.context.elapsedMs() - lane.started),
  });
}

function recordFailure(input: HedgedPairInput, lane: Lane, failure: GatewayError): void {
  input.context.attempts.push({
    provider: lane.target.provider,
    model: lane.target.model,
    status: failure.status,
    outcome: outcomeOf(failure.code),
    latencyMs: round(input.context.elapsedMs() - lane.started),
    errorCode: failure.code,
  });
}

/** The aborted lane, billed as far as it got: its own usage when it had any, else the prompt it sent (estimated). */
function recordLoser(input: HedgedPairInput, lane: Lane, outcome = 'hedge_lost'): void {
  const child = lane.context;
  if (!child.usage) estimateUsage(child, input.inputBytes, 0);
  child.price();
  input.context.attempts.push({
    provider: lane.target.provider,
    model: lane.target.model,
    status: child.status || null,
    outcome,
    latencyMs: round(input.context.elapsedMs() - lane.started),
    costMicros: child.costMicros,
    inputTokens: child.usage?.inputTokens ?? 0,
    outputTokens: child.usage?.outputTokens ?? 0,
    estimated: child.usageEstimated,
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
