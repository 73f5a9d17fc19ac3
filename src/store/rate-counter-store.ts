/**
 * Counters behind rate limits. The port is shaped so a shared backend (Redis, later) can do
 * each call as one atomic script: `reserve` checks several counters and either adds to all
 * of them or to none, so a refused request never consumes anything.
 */

/** Units (requests or tokens) counted over a sliding window. */
export interface WindowCheck {
  kind: 'window';
  /** Stable id, e.g. `key:alice:requests`. */
  counter: string;
  windowMs: number;
  limit: number;
  /** Units this request adds (callers keep it ≤ limit, or it could never fit). */
  amount: number;
}

/** Requests in flight right now: held until `release`. */
export interface ConcurrencyCheck {
  kind: 'concurrent';
  counter: string;
  limit: number;
}

export type RateCheck = WindowCheck | ConcurrencyCheck;

/** One counter after a successful reservation. */
export interface RateCheckState {
  /** Units counted, this request included. */
  used: number;
  /** Milliseconds until the counter is back to zero if nothing else arrives (0 for concurrency). */
  resetMs: number;
}

export type RateReservation =
  /** `states[i]` belongs to `checks[i]`. */
  | { ok: true; states: RateCheckState[] }
  /** The first check without room; nothing was added anywhere. */
  | { ok: false; failedIndex: number; used: number; retryAfterMs: number };

export interface RateCounterStore {
  /** All or nothing: adds every check's amount when all have room, otherwise changes nothing. */
  reserve(checks: readonly RateCheck[], now: number): Promise<RateReservation>;
  /**
   * Corrects a reservation made at `reservedAt` by `delta` units (negative gives back). Lands in
   * the same time slot as the reservation, so it leaves the window when the reservation would.
   */
  adjust(counter: string, windowMs: number, reservedAt: number, delta: number): Promise<void>;
  /** Gives back one concurrency slot (never below zero). */
  release(counter: string): Promise<void>;
}

/** Sub-buckets per window: a 60 s window is counted in 1 s slots (every backend slots alike). */
const slotsPerWindow = 60;

/** The start of the slot a unit reserved at `time` lands in. */
export function windowSlotOf(time: number, windowMs: number): number {
  const size = Math.max(1, Math.floor(windowMs / slotsPerWindow));
  return Math.floor(time / size) * size;
}
