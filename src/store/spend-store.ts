/**
 * The spend port: budget counters and the spend ledger. Backend-independent (SQLite now,
 * Postgres/Redis later); every implementation must keep these invariants:
 *
 * - `reserve` is atomic across all rules and across processes sharing the backend: either
 *   every rule's current window gets `amountMicros` added to `reserved`, or (a hard rule
 *   would overflow) nothing is written. Hard rules reject when spent + reserved + amount >
 *   limit, or when the window is already exhausted (spent + reserved >= limit).
 * - A reservation settles into the SAME windows it reserved in, even if a window rolled over
 *   meanwhile, so a request is billed exactly once to the window that admitted it.
 * - `settle` and `release` are idempotent; settle after release (or twice) is a no-op.
 * - Several rules that share one counter (same scope, subject, window kind and start) move
 *   that counter once.
 * - Money is integer micro-dollars everywhere.
 * - A reservation is a lease: it holds its money until settled, released, or its lease runs
 *   out without a `renew` (then the next `reserve` frees the hold; a late settle still bills).
 *   `releaseAbandoned` frees at once every open reservation of an instance made by an earlier
 *   run of it (the instance restarted, so those requests are gone).
 */

export type BudgetScope = 'key' | 'org' | 'team' | 'user' | 'tag' | 'attribute';

/** What a request says about itself (contract §2 `attribution`): its attributes and its own tags. */
export interface RequestAttribution {
  /** attribute name → value, e.g. `{ repo: 'billing' }`. */
  attributes: Record<string, string>;
  /** Tags from `x-switchyard-tags` (the key's own tags are on the key). */
  tags: string[];
}

/** The subject of an `attribute` budget: `name=value` (names never contain `=`). */
export function attributeSubject(name: string, value: string): string {
  return `${name}=${value}`;
}
export type BudgetWindowKind = 'day' | 'week' | 'month' | 'total';

/** Who made a reservation: a stable instance id (survives restarts) and this process's run. */
export interface ReservationHolder {
  instanceId: string;
  runId: string;
}

/** One budget that applies to a request, already resolved for that request's key. */
export interface BudgetRule {
  scope: BudgetScope;
  /** The key name, team, user or tag; '*' for the org; `name=value` for an attribute. */
  subject: string;
  limitMicros: number;
  window: BudgetWindowKind;
  mode: 'hard' | 'soft';
  /** Fraction of the limit (0-1] at which one warning fires per window. */
  warnAt: number;
  weekStartsOn: number;
  monthStartsOn: number;
  webhookUrl?: string;
}

/** Where one rule stands in one window. */
export interface BudgetUsage {
  rule: BudgetRule;
  /** ISO start of the window the numbers belong to. */
  windowStart: string;
  /** When the window resets; null for `total`. */
  resetAt: string | null;
  spentMicros: number;
  /** Held by reservations of requests still in flight. */
  reservedMicros: number;
  limitMicros: number;
}

export type ReserveResult =
  | { ok: true; usage: BudgetUsage[] }
  /** `blocked` is the FIRST hard rule (in the order given) that would overflow. */
  | { ok: false; blocked: BudgetUsage; amountMicros: number };

/**
 * A threshold of a rule this settlement crossed (spent before < threshold*limit <= spent
 * after): the warn line, or the cap itself (1). One settlement can cross both.
 */
export interface WarnCrossing {
  rule: BudgetRule;
  /** The fraction of the limit crossed: the rule's `warnAt`, or 1 when the cap was reached. */
  threshold: number;
  windowStart: string;
  resetAt: string | null;
  spentMicros: number;
  limitMicros: number;
}

export interface SettleResult {
  /** False when the reservation was unknown, already settled or released (nothing written). */
  settled: boolean;
  crossed: WarnCrossing[];
  /** Where each billed rule's window stands after this settlement (absent when nothing was billed). */
  levels?: BudgetLevel[];
}

/** A rule's spend in its current window right after a settlement. */
export interface BudgetLevel {
  rule: BudgetRule;
  spentMicros: number;
}

export type SpendReason = 'completed' | 'partial' | 'client_disconnected' | 'retry' | 'error' | 'hedge_lost';

/** One upstream attempt's cost. Every attempt gets one: retries, partial streams, disconnects. */
export interface SpendLedgerEntry {
  requestId: string;
  /** 1-based attempt number within the request. */
  attempt: number;
  keyName: string | null;
  team: string | null;
  user: string | null;
  /** The key's tags and the request's own. */
  tags: string[];
  /** The request's attributes (attribute name → value); absent means none. */
  attributes?: Record<string, string>;
  provider: string;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costMicros: number;
  /** True when the tokens (and so the cost) were estimated because the provider reported none. */
  estimated: boolean;
  reason: SpendReason;
  /** ISO instant. */
  createdAt: string;
}

export type SpendGroupBy = 'key' | 'team' | 'model' | 'day' | 'user' | 'provider' | 'tag' | 'attribute';

export interface SpendRollupQuery {
  groupBy: SpendGroupBy;
  /** For `attribute`: which one (a configured attribute name). */
  attribute?: string;
  /** Inclusive ISO instant or date. */
  since?: string;
  /** Exclusive ISO instant or date. */
  until?: string;
}

export interface SpendRollupRow {
  /** The group's value; `(none)` when the entry had no key/team/user; the UTC date for `day`. */
  group: string;
  costMicros: number;
  /** Distinct request ids (a retried request counts once). */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** The part of costMicros that was estimated. */
  estimatedMicros: number;
}

export interface SpendStore {
  reserve(input: { reservationId: string; rules: BudgetRule[]; amountMicros: number; now: Date; holder?: ReservationHolder }): Promise<ReserveResult>;
  /** Extends the leases of these open reservations from `now`; returns how many were renewed. */
  renew(reservationIds: string[], now: Date): Promise<number>;
  /** Frees the holds of open reservations of `holder.instanceId` made by any other run; returns how many. */
  releaseAbandoned(holder: ReservationHolder): Promise<number>;
  settle(input: { reservationId: string; actualMicros: number; entry: SpendLedgerEntry }): Promise<SettleResult>;
  /** Frees a reservation without billing. Idempotent; returns whether anything was released. */
  release(reservationId: string): Promise<boolean>;
  /** Bills an attempt that has no reservation of its own to the rules' windows at `now`. */
  record(input: { rules: BudgetRule[]; entry: SpendLedgerEntry; now: Date }): Promise<SettleResult>;
  usage(rules: BudgetRule[], now: Date): Promise<BudgetUsage[]>;
  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]>;
}

/** Warn threshold in whole micro-dollars; the epsilon absorbs float noise such as 0.8 × 5e7. */
export function warnThresholdMicros(rule: Pick<BudgetRule, 'limitMicros' | 'warnAt'>): number {
  return Math.ceil(rule.limitMicros * rule.warnAt - 1e-6);
}

export function crossedWarnThreshold(rule: Pick<BudgetRule, 'limitMicros' | 'warnAt'>, spentBefore: number, spentAfter: number): boolean {
  if (rule.limitMicros <= 0) return false;
  const threshold = warnThresholdMicros(rule);
  return spentBefore < threshold && threshold <= spentAfter;
}

/** The thresholds (fractions of the limit) a move from `spentBefore` to `spentAfter` crosses: the warn line, then the cap. */
export function crossedThresholds(rule: Pick<BudgetRule, 'limitMicros' | 'warnAt'>, spentBefore: number, spentAfter: number): number[] {
  const crossed = crossedWarnThreshold(rule, spentBefore, spentAfter) ? [rule.warnAt] : [];
  if (rule.warnAt < 1 && crossedWarnThreshold({ limitMicros: rule.limitMicros, warnAt: 1 }, spentBefore, spentAfter)) crossed.push(1);
  return crossed;
}

/** The admission test for one hard rule (see the invariants above). */
export function wouldOverflow(limitMicros: number, spentMicros: number, reservedMicros: number, amountMicros: number): boolean {
  const committed = spentMicros + reservedMicros;
  return committed >= limitMicros || committed + amountMicros > limitMicros;
}
