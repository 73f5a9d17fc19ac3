import type { RuntimeConfig, TargetConfig } from '../config/runtime-config.ts';
import type { RoutingRuleConfig } from '../config/schema.ts';
import type { FailureClass } from '../core/errors.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { LatencySamples } from './latency-samples.ts';
import { matchRule } from './match-rule.ts';
import type { RequestFeatures } from './request-features.ts';
import type { ResolvedModel } from './resolve-model.ts';
import type { SharedRoutingState } from './shared-routing-state.ts';
import { StickySessions } from './sticky-sessions.ts';
import { orderTargets, type StrategyState } from './strategies/order-targets.ts';
import { targetId } from './target-id.ts';

/** Smoothing for the latency moving average (weight of the newest sample). */
const latencyWeight = 0.2;

/**
 * Routing state shared by all requests of one gateway: circuit breakers, latency averages,
 * round-robin positions and sticky sessions. Decisions are made by the pure functions it
 * calls; this class only keeps the memory.
 */
export class Router {
  private readonly breakers: Map<string, CircuitBreaker>;
  private readonly sticky: StickySessions | undefined;
  private readonly state: StrategyState;

  /**
   * `previous` is the router of the config being replaced by a reload: its memory (breakers,
   * sticky sessions, latency averages, round-robin positions) carries over, shared by
   * reference so requests still running on the old config keep feeding it. Breakers start
   * afresh only when the breaker settings changed, sticky sessions when theirs did.
   */
  constructor(
    private readonly config: RuntimeConfig,
    random: () => number = Math.random,
    previous?: Router,
    private readonly shared?: SharedRoutingState,
  ) {
    const sticky = config.routing.sticky_sessions;
    const sameBreakers = previous && sameSettings(previous.config.routing.circuit_breaker, config.routing.circuit_breaker);
    const sameSticky = previous && sameSettings(previous.config.routing.sticky_sessions, sticky);
    this.breakers = sameBreakers ? previous.breakers : new Map();
    this.sticky = sameSticky ? previous.sticky : sticky.enabled ? new StickySessions(sticky.ttl_ms, sticky.max_sessions) : undefined;
    this.state = previous
      ? { roundRobin: previous.state.roundRobin, latency: previous.state.latency, ttft: previous.state.ttft, random }
      : { roundRobin: new Map(), latency: new Map(), ttft: new Map(), random };
  }

  get retry() {
    return this.config.routing.retry;
  }

  random(): number {
    return this.state.random();
  }

  rule(requestedModel: string, features: RequestFeatures): RoutingRuleConfig | undefined {
    return matchRule(this.config.routing.rules, requestedModel, features);
  }

  /** Targets in the order to try: sticky target first while healthy, open breakers last. */
  plan(resolved: ResolvedModel, features: RequestFeatures): TargetConfig[] {
    let order = orderTargets(
      resolved.alias,
      resolved.strategy,
      resolved.targets,
      features,
      this.state,
      resolved.maxTtftP95Ms !== undefined ? { maxTtftP95Ms: resolved.maxTtftP95Ms } : {},
    );
    // An experiment's assignment is already sticky per session (and must not follow a fallback).
    const stuck = features.sessionKey && resolved.strategy !== 'experiment' ? this.sticky?.get(features.sessionKey) : undefined;
    if (stuck) {
      const index = order.findIndex((target) => targetId(target) === stuck);
      if (index > 0 && this.breaker(order[index]!).state() === 'closed') order = [order[index]!, ...order.slice(0, index), ...order.slice(index + 1)];
    }
    const open = (target: TargetConfig) => this.breaker(target).state() === 'open';
    return [...order.filter((target) => !open(target)), ...order.filter(open)];
  }

  /** May this target take a request now? (Takes the half-open probe slot.) */
  admit(target: TargetConfig): boolean {
    return this.breaker(target).tryAcquire();
  }

  /** `ttfbMs`: this attempt's time to first token (from the attempt's own start). */
  recordSuccess(target: TargetConfig, ttfbMs: number | null, sessionKey: string | undefined): void {
    const breaker = this.breaker(target);
    const wasOpen = breaker.openUntil !== 0;
    breaker.recordSuccess();
    const id = targetId(target);
    if (wasOpen) this.shared?.breakerChanged(id, 0);
    if (ttfbMs !== null) {
      const previous = this.state.latency.get(id);
      this.state.latency.set(id, previous === undefined ? ttfbMs : previous + latencyWeight * (ttfbMs - previous));
      let samples = this.state.ttft.get(id);
      if (!samples) this.state.ttft.set(id, (samples = new LatencySamples()));
      samples.add(ttfbMs, Date.now());
    }
    if (sessionKey && this.sticky) {
      const before = this.sticky.peek(sessionKey);
      this.sticky.set(sessionKey, id);
      if (before !== id) this.shared?.sessionStuck(sessionKey, id);
    }
  }

  /** Another instance's breaker for this target opened or closed. */
  applyBreaker(id: string, openUntil: number): void {
    this.breakerById(id).apply(openUntil);
  }

  /** Another instance stuck this session to a target. */
  applySticky(session: string, id: string): void {
    this.sticky?.set(session, id);
  }

  /** Only provider-side failures count against a target's health; a caller fault does not. */
  recordFailure(target: TargetConfig, failureClass: FailureClass): void {
    if (failureClass !== 'transient' && failureClass !== 'rate-limit' && failureClass !== 'credential') return;
    const breaker = this.breaker(target);
    const before = breaker.openUntil;
    breaker.recordFailure();
    if (breaker.openUntil !== before) this.shared?.breakerChanged(targetId(target), breaker.openUntil);
  }

  /** Where a target stands on this instance (the dashboard's providers page): breaker state and the smoothed time to first byte. */
  health(
    target: Pick<TargetConfig, 'provider' | 'model'>,
    now = Date.now(),
  ): { breaker: 'closed' | 'open' | 'half-open'; openUntil: number | null; ttfbMs: number | null } {
    const id = targetId(target);
    const breaker = this.breakers.get(id);
    const state = breaker?.state(now) ?? 'closed';
    return { breaker: state, openUntil: state === 'closed' ? null : (breaker?.openUntil ?? null), ttfbMs: this.state.latency.get(id) ?? null };
  }

  private breaker(target: TargetConfig): CircuitBreaker {
    return this.breakerById(targetId(target));
  }

  private breakerById(id: string): CircuitBreaker {
    let breaker = this.breakers.get(id);
    if (!breaker) {
      const settings = this.config.routing.circuit_breaker;
      breaker = new CircuitBreaker(settings.failure_threshold, settings.cooldown_ms);
      this.breakers.set(id, breaker);
    }
    return breaker;
  }
}

function sameSettings(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
