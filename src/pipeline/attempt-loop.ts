import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { asGatewayError } from './client-io.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { RequestFeatures } from '../routing/request-features.ts';
import { retryDelayMs } from '../routing/retry-delay.ts';
import type { Router } from '../routing/router.ts';
import { outcomeOf } from './outcome-of.ts';
import { HedgedPairFailed, runHedgedPair, type HedgeLane } from './run-hedged-pair.ts';
import type { RequestContext } from './request-context.ts';

/** One try against one target; throws a GatewayError for anything that did not succeed. `lane`: a hedged attempt's own context, signal and commit claim. */
export type AttemptFunction = (provider: Provider, target: TargetConfig, fallbackCount: number, lane?: HedgeLane) => Promise<void>;

export interface AttemptLoopInput {
  context: RequestContext;
  router: Router;
  providers: ReadonlyMap<string, Provider>;
  plan: TargetConfig[];
  features: RequestFeatures;
  signal: AbortSignal;
  /** True once bytes reached the client: from then on nothing may be retried. */
  committed: () => boolean;
  attempt: AttemptFunction;
  /** `strategy: hedge`: the first two targets race, the second starting after this many ms without a first byte. */
  hedge?: { afterMs: number; inputBytes: number };
}

/**
 * Tries the planned targets in order. Same-target retries (backoff with jitter, never
 * sooner than Retry-After) for transient and rate-limit failures; fallback to the next
 * target for provider failures; never either for a caller fault, or after the commit point.
 * Every attempt is recorded on the context.
 */
export async function runAttemptLoop(input: AttemptLoopInput): Promise<void> {
  const { context, router, signal } = input;
  const retry = router.retry;
  const deadline = Date.now() + retry.max_total_ms;
  let lastError: GatewayError | undefined;
  let failedTargets = 0;
  const failures: string[] = [];
  let plan = input.plan;
  const admitted = new Set<TargetConfig>();

  if (input.hedge && plan.length >= 2) {
    const raced: TargetConfig[] = [];
    let index = 0;
    for (; index < plan.length && raced.length < 2; index++) {
      const target = plan[index]!;
      if (router.admit(target)) raced.push(target);
      else context.attempts.push({ provider: target.provider, model: target.model, status: null, outcome: 'skipped_circuit_open', latencyMs: 0 });
    }
    for (const target of raced) admitted.add(target);
    if (raced.length === 2) {
      try {
        await runHedgedPair({
          context,
          router,
          first: { provider: providerOf(input, raced[0]!), target: raced[0]! },
          second: { provider: providerOf(input, raced[1]!), target: raced[1]! },
          hedgeAfterMs: input.hedge.afterMs,
          signal,
          inputBytes: input.hedge.inputBytes,
          sessionKey: input.features.sessionKey,
          attempt: input.attempt,
        });
        return;
      } catch (error) {
        if (!(error instanceof HedgedPairFailed)) throw error;
        lastError = error.last;
        for (const { target, failure } of error.failures) failures.push(`${target.provider}/${target.model}: ${describeFailure(failure)}`);
        failedTargets = 2;
        plan = plan.slice(index);
      }
    } else plan = [...raced, ...plan.slice(index)];
  }

  for (const target of plan) {
    const provider = providerOf(input, target);
    if (!admitted.delete(target) && !router.admit(target)) {
      context.attempts.push({ provider: target.provider, model: target.model, status: null, outcome: 'skipped_circuit_open', latencyMs: 0 });
      continue;
    }
    for (let attempt = 1; attempt <= retry.max_attempts; attempt++) {
      context.provider = provider.config.name;
      context.servedModel = target.model;
      context.pricing = target.pricing;
      const started = context.elapsedMs();
      try {
        await input.attempt(provider, target, failedTargets);
        context.attempts.push({
          provider: target.provider,
          model: target.model,
          status: context.status,
          outcome: context.outcome ?? 'ok',
          latencyMs: round(context.elapsedMs() - started),
        });
        // The target's own time to first token: from this attempt's start, not the request's.
        if (context.outcome === undefined || context.outcome === 'ok') router.recordSuccess(target, context.firstByteAfter(started), input.features.sessionKey);
        return;
      } catch (error) {
        if (signal.aborted) {
          // The client left: this attempt still reached the provider and is billed.
          context.attempts.push({
            provider: target.provider,
            model: target.model,
            status: context.status || null,
            outcome: 'client_disconnected',
            latencyMs: round(context.elapsedMs() - started),
          });
          throw error;
        }
        const failure = asGatewayError(error, context.requestId);
        context.attempts.push({
          provider: target.provider,
          model: target.model,
          status: failure.status,
          outcome: outcomeOf(failure.code),
          latencyMs: round(context.elapsedMs() - started),
          errorCode: failure.code,
        });
        lastError = failure;
        failures.push(`${target.provider}/${target.model}: ${describeFailure(failure)}`);
        router.recordFailure(target, failure.failureClass);
        if (input.committed() || failure.failureClass === 'caller-fault' || failure.failureClass === 'fatal') throw failure;
        const retryable = failure.failureClass === 'transient' || failure.failureClass === 'rate-limit';
        if (!retryable || attempt === retry.max_attempts) break;
        const delay = retryDelayMs({
          attempt,
          baseDelayMs: retry.base_delay_ms,
          maxDelayMs: retry.max_delay_ms,
          ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
          remainingMs: deadline - Date.now(),
          random: () => router.random(),
        });
        // A wait that does not fit the time budget: fall back to the next target now.
        if (delay === undefined) break;
        await sleep(delay, undefined, { signal });
      }
      if (Date.now() >= deadline) break;
    }
    failedTargets++;
    if (Date.now() >= deadline) break;
  }
  if (lastError) throw allTargetsFailed(lastError, failures);
  throw new GatewayError({
    code: 'routing_no_healthy_target',
    message: 'Every target for this model is failing right now (circuit open); try again shortly.',
    retryAfterSeconds: 5,
  });
}

function providerOf(input: AttemptLoopInput, target: TargetConfig): Provider {
  const provider = input.providers.get(target.provider);
  if (!provider) throw new GatewayError({ code: 'gateway_internal', message: `Provider "${target.provider}" is not configured.` });
  return provider;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * When more than one attempt failed, the error tells each one's story ("all 2 attempts failed:
 * oai/gpt-x: HTTP 503 overloaded; anthro/claude: timeout") from status and codes only, never
 * upstream body text. Code, status and retry hint stay the last failure's, so clients retry on what actually happened last.
 */
function allTargetsFailed(last: GatewayError, failures: string[]): GatewayError {
  if (failures.length < 2) return last;
  return new GatewayError({ ...last.toShape(), message: `All ${failures.length} attempts failed: ${failures.join('; ')}.`, cause: last });
}

function describeFailure(failure: GatewayError): string {
  const upstreamStatus = failure.details?.['upstreamStatus'];
  const status = typeof upstreamStatus === 'number' ? `HTTP ${upstreamStatus} ` : '';
  const words = [failure.providerType, failure.providerCode].filter((word): word is string => word !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(word));
  // A timeout's own (gateway-written) message says which one and after how long.
  const which = typeof upstreamStatus !== 'number' ? /timed out \(([^)]{1,60})\)/.exec(failure.message)?.[1] : undefined;
  const reason = failure.code === 'provider_timeout' ? `timeout${which ? ` (${which})` : ''}` : failure.code.replace(/^provider_/, '');
  return `${status}${reason}${words.length > 0 ? ` (${words.join('/')})` : ''}`;
}
