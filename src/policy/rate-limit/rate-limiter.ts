import type { KeyConfig, RateLimitConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import type { RateCheck, RateCounterStore } from '../../store/rate-counter-store.ts';
import { rateLimitHeaders, type WindowSnapshot } from './rate-limit-headers.ts';

const minuteMs = 60_000;

/** What a request holds while it runs. */
export interface RateLimitTicket {
  /** Contract §5 `x-ratelimit-*` headers (empty when no limit applies). */
  readonly headers: Record<string, string>;
  /** Replaces the token estimate with the real count; calling again corrects to the new value. */
  settle(actualTokens: number): Promise<void>;
  /** Frees the concurrency slot; safe to call more than once. */
  release(): Promise<void>;
}

type Scope = { kind: 'key' | 'team'; name: string; limits: RateLimitConfig };
type Measure = 'requests' | 'tokens' | 'concurrent';
/** Which scope and limit each check in a reservation stands for. */
type Planned = { scope: Scope; measure: Measure; limit: number; check: RateCheck; estimate?: number };

/**
 * Enforces requests per minute, tokens per minute and concurrent requests, per key and per
 * team (a team's limits are shared by all its keys). Every applicable limit is checked in one
 * all-or-nothing reservation, so a refused request consumes nothing anywhere.
 *
 * Tokens are reserved up front (input estimate + max output) and corrected by `settle`. An
 * estimate above a whole tokens-per-minute limit reserves exactly the limit: such a request
 * waits for an empty window and then runs alone, instead of being refused forever.
 */
export class RateLimiter {
  constructor(
    private readonly store: RateCounterStore,
    private readonly teamLimits: Record<string, RateLimitConfig>,
  ) {}

  /** Whether any limit applies to this key (callers skip estimating tokens otherwise). */
  applies(key: KeyConfig | undefined): boolean {
    return key !== undefined && (key.rateLimit !== undefined || (key.team !== undefined && this.teamLimits[key.team] !== undefined));
  }

  async acquire(key: KeyConfig | undefined, estimatedTokens: number, now = Date.now()): Promise<RateLimitTicket> {
    const tokens = Number.isFinite(estimatedTokens) ? Math.max(0, Math.ceil(estimatedTokens)) : 0;
    const planned = this.plan(key, tokens);
    if (planned.length === 0) return emptyTicket;
    const reservation = await this.store.reserve(
      planned.map((entry) => entry.check),
      now,
    );
    if (!reservation.ok) throw rateLimited(planned[reservation.failedIndex]!, reservation.retryAfterMs);

    const requests: WindowSnapshot[] = [];
    const tokenWindows: WindowSnapshot[] = [];
    for (const [index, entry] of planned.entries()) {
      const state = reservation.states[index]!;
      if (entry.measure === 'requests') requests.push({ limit: entry.limit, used: state.used, resetMs: state.resetMs });
      if (entry.measure === 'tokens') tokenWindows.push({ limit: entry.limit, used: state.used, resetMs: state.resetMs });
    }
    return new ReservedTicket(this.store, planned, now, rateLimitHeaders(requests, tokenWindows));
  }

  private plan(key: KeyConfig | undefined, tokens: number): Planned[] {
    if (!key) return [];
    const scopes: Scope[] = [];
    if (key.rateLimit) scopes.push({ kind: 'key', name: key.name, limits: key.rateLimit });
    const teamLimits = key.team === undefined ? undefined : this.teamLimits[key.team];
    if (key.team !== undefined && teamLimits) scopes.push({ kind: 'team', name: key.team, limits: teamLimits });
    const planned: Planned[] = [];
    for (const scope of scopes) {
      const id = `${scope.kind}:${encodeURIComponent(scope.name)}`;
      const { rpm, tpm, concurrent } = scope.limits;
      if (rpm !== undefined)
        planned.push({
          scope,
          measure: 'requests',
          limit: rpm,
          check: { kind: 'window', counter: `${id}:requests`, windowMs: minuteMs, limit: rpm, amount: 1 },
        });
      if (tpm !== undefined) {
        planned.push({
          scope,
          measure: 'tokens',
          limit: tpm,
          estimate: tokens,
          check: { kind: 'window', counter: `${id}:tokens`, windowMs: minuteMs, limit: tpm, amount: Math.min(tokens, tpm) },
        });
      }
      if (concurrent !== undefined)
        planned.push({ scope, measure: 'concurrent', limit: concurrent, check: { kind: 'concurrent', counter: `${id}:concurrent`, limit: concurrent } });
    }
    return planned;
  }
}

const emptyTicket: RateLimitTicket = Object.freeze({
  headers: Object.freeze({}) as Record<string, string>,
  settle: async () => {},
  release: async () => {},
});

class ReservedTicket implements RateLimitTicket {
  private released = false;
  /** Tokens currently counted per token window (starts at what was reserved). */
  private readonly counted: number[];

  constructor(
    private readonly store: RateCounterStore,
    private readonly planned: readonly Planned[],
    private readonly reservedAt: number,
    readonly headers: Record<string, string>,
  ) {
    this.counted = planned.map((entry) => (entry.check.kind === 'window' && entry.measure === 'tokens' ? entry.check.amount : 0));
  }

  async settle(actualTokens: number): Promise<void> {
    const actual = Number.isFinite(actualTokens) ? Math.max(0, Math.ceil(actualTokens)) : 0;
    for (const [index, entry] of this.planned.entries()) {
      if (entry.measure !== 'tokens' || entry.check.kind !== 'window') continue;
      const delta = actual - this.counted[index]!;
      this.counted[index] = actual;
      if (delta !== 0) await this.store.adjust(entry.check.counter, entry.check.windowMs, this.reservedAt, delta);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const entry of this.planned) {
      if (entry.check.kind === 'concurrent') await this.store.release(entry.check.counter);
    }
  }
}

function rateLimited(entry: Planned, retryAfterMs: number): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const who = `${entry.scope.kind} "${entry.scope.name}"`;
  let what: string;
  if (entry.measure === 'requests') what = `Rate limit of ${entry.limit} requests per minute reached for ${who}`;
  else if (entry.measure === 'tokens') {
    what = `Rate limit of ${entry.limit} tokens per minute reached for ${who} (this request needs about ${entry.estimate ?? 0})`;
  } else what = `Concurrency limit of ${entry.limit} requests in flight reached for ${who}`;
  return new GatewayError({
    code: 'policy_rate_limited',
    message: `${what}; try again in ${retryAfterSeconds}s.`,
    retryAfterSeconds,
    details: { scope: entry.scope.kind, name: entry.scope.name, limit: entry.measure, value: entry.limit },
  });
}
