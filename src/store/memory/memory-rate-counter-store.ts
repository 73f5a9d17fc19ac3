import { windowSlotOf as slotOf, type RateCheck, type RateCheckState, type RateCounterStore, type RateReservation } from '../rate-counter-store.ts';

interface WindowCounter {
  windowMs: number;
  /** Slot start (ms) → units. */
  buckets: Map<number, number>;
}

/**
 * Rate counters in process memory, for a single instance.
 *
 * Windows are sliding, counted in 60 sub-buckets: a unit lands in the slot of the moment it
 * was reserved and counts until that slot's start + the window. So a unit leaves at most one
 * slot (1 s for a minute) early, and any 60 s span holds the limit to within one slot's
 * traffic, with no burst of twice the limit at a fixed-window boundary.
 *
 * Every method runs to completion without awaiting, so `reserve`'s check-then-add is atomic
 * within the process.
 */
export class MemoryRateCounterStore implements RateCounterStore {
  private readonly windows = new Map<string, WindowCounter>();
  private readonly inFlight = new Map<string, number>();

  async reserve(checks: readonly RateCheck[], now: number): Promise<RateReservation> {
    for (const [index, check] of checks.entries()) {
      if (check.kind === 'concurrent') {
        const used = this.inFlight.get(check.counter) ?? 0;
        // Nobody knows when a slot frees; 1 s is a polite first retry.
        if (used + 1 > check.limit) return { ok: false, failedIndex: index, used, retryAfterMs: 1000 };
        continue;
      }
      const counter = this.window(check.counter, check.windowMs, now);
      const used = total(counter);
      if (used + check.amount > check.limit) {
        return { ok: false, failedIndex: index, used, retryAfterMs: timeUntilRoom(counter, used, check.amount, check.limit, now) };
      }
    }
    const states: RateCheckState[] = checks.map((check) => {
      if (check.kind === 'concurrent') {
        const used = (this.inFlight.get(check.counter) ?? 0) + 1;
        this.inFlight.set(check.counter, used);
        return { used, resetMs: 0 };
      }
      const counter = this.window(check.counter, check.windowMs, now);
      const slot = slotOf(now, check.windowMs);
      counter.buckets.set(slot, (counter.buckets.get(slot) ?? 0) + check.amount);
      const used = total(counter);
      return { used, resetMs: used === 0 ? 0 : Math.max(0, newestSlot(counter) + check.windowMs - now) };
    });
    return { ok: true, states };
  }

  async adjust(counterId: string, windowMs: number, reservedAt: number, delta: number): Promise<void> {
    const counter = this.windows.get(counterId);
    if (!counter || delta === 0) return;
    const slot = slotOf(reservedAt, windowMs);
    // A slot already pruned has left the window: correcting it would change nothing.
    const current = counter.buckets.get(slot);
    if (current === undefined) return;
    counter.buckets.set(slot, Math.max(0, current + delta));
  }

  async release(counter: string): Promise<void> {
    const used = this.inFlight.get(counter) ?? 0;
    if (used <= 1) this.inFlight.delete(counter);
    else this.inFlight.set(counter, used - 1);
  }

  /** The counter with slots that left the window dropped (so memory follows active keys only). */
  private window(id: string, windowMs: number, now: number): WindowCounter {
    let counter = this.windows.get(id);
    if (!counter || counter.windowMs !== windowMs) {
      counter = { windowMs, buckets: new Map() };
      this.windows.set(id, counter);
    }
    for (const slot of counter.buckets.keys()) {
      if (slot + windowMs <= now) counter.buckets.delete(slot);
    }
    return counter;
  }
}

function total(counter: WindowCounter): number {
  let sum = 0;
  for (const units of counter.buckets.values()) sum += units;
  return sum;
}

function newestSlot(counter: WindowCounter): number {
  return Math.max(...counter.buckets.keys());
}

/** When enough of the oldest slots have left the window for `amount` more units to fit. */
function timeUntilRoom(counter: WindowCounter, used: number, amount: number, limit: number, now: number): number {
  let remaining = used;
  for (const slot of [...counter.buckets.keys()].sort((a, b) => a - b)) {
    remaining -= counter.buckets.get(slot)!;
    if (remaining + amount <= limit) return Math.max(0, slot + counter.windowMs - now);
  }
  return counter.windowMs;
}
