import { log } from '../../core/log.ts';
import { windowSlotOf, type RateCheck, type RateCounterStore, type RateReservation } from '../rate-counter-store.ts';
import { isCallerBug, type RedisCoordination } from './redis-coordination.ts';
import { rateAdjustScript, rateReserveScript } from './rate-scripts.ts';

export interface RedisRateCounterStoreOptions {
  /** How long a concurrency slot holds without a renew (its instance died) [30 s]. */
  concurrencyLeaseMs?: number;
}

/**
 * Rate counters shared by every instance: `reserve` checks and adds every counter of a request
 * in one Lua script (one round trip, all or nothing), so rpm N admits exactly N per window
 * however the requests are spread. Windows slide in 60 slots, like the in-memory store.
 * Concurrency slots are leases renewed every third of `concurrencyLeaseMs` while held.
 *
 * While Redis cannot answer, `reserve` fails with 503 `budget_store_unavailable` or (with
 * `on_unavailable: allow`) admits unchecked; corrections and releases that fail are logged and
 * dropped (a window forgets them within a minute, a concurrency lease within its lease).
 */
export class RedisRateCounterStore implements RateCounterStore {
  private readonly leaseMs: number;
  /** Holders this process added per concurrency counter (a release removes the newest). */
  private readonly holders = new Map<string, string[]>();
  private sequence = 0;
  /** Concurrency slots a timed-out script may still have taken (removed once Redis answers). */
  private readonly orphans: Array<{ key: string; member: string }> = [];
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisCoordination,
    options: RedisRateCounterStoreOptions = {},
  ) {
    this.leaseMs = options.concurrencyLeaseMs ?? 30_000;
    redis.onReconnect(() => void this.renewHolders());
  }

  async reserve(checks: readonly RateCheck[], now: number): Promise<RateReservation> {
    const args: Array<string | number> = [now];
    const members: Array<string | undefined> = [];
    for (const check of checks) {
      if (check.kind === 'concurrent') {
        const member = `${this.redis.runId}:${++this.sequence}`;
        members.push(member);
        args.push('c', 0, check.limit, 1, member, now + this.leaseMs);
      } else {
        members.push(undefined);
        args.push('w', check.windowMs, check.limit, check.amount, windowSlotOf(now, check.windowMs), 0);
      }
    }
    let reply: number[];
    const keys = checks.map(this.counterKey, this);
    try {
      if (this.orphans.length > 0) await this.removeOrphans();
      reply = ((await this.redis.run(rateReserveScript, keys, args)) as unknown[]).map(Number);
    } catch (error) {
      if (isCallerBug(error)) throw error;
      for (const [index, member] of members.entries()) if (member !== undefined) this.orphans.push({ key: keys[index]!, member });
      // Bounded: an orphan left out frees itself when its lease runs out.
      if (this.orphans.length > 10_000) this.orphans.splice(0, this.orphans.length - 10_000);
      this.redis.unavailable('rate_limit', error);
      return { ok: true, states: checks.map(() => ({ used: 0, resetMs: 0 })) };
    }
    if (reply[0] !== 1) return { ok: false, failedIndex: reply[1]!, used: reply[2]!, retryAfterMs: reply[3]! };
    for (const [index, check] of checks.entries()) {
      const member = members[index];
      if (check.kind !== 'concurrent' || member === undefined) continue;
      const held = this.holders.get(check.counter) ?? [];
      held.push(member);
      this.holders.set(check.counter, held);
      this.startRenewing();
    }
    return { ok: true, states: checks.map((_, index) => ({ used: reply[1 + 2 * index]!, resetMs: reply[2 + 2 * index]! })) };
  }

  async adjust(counter: string, windowMs: number, reservedAt: number, delta: number): Promise<void> {
    if (delta === 0) return;
    try {
      await this.redis.run(rateAdjustScript, [this.redis.key('rate', counter, String(windowMs))], [windowSlotOf(reservedAt, windowMs), delta]);
    } catch (error) {
      if (isCallerBug(error)) throw error;
      log.warn(`rate limit: could not correct the token count of ${counter} in Redis (it leaves the window within a minute)`, error);
    }
  }

  async release(counter: string): Promise<void> {
    const held = this.holders.get(counter);
    const member = held?.pop();
    if (held && held.length === 0) this.holders.delete(counter);
    if (this.holders.size === 0) this.stopRenewing();
    if (member === undefined) return;
    try {
      await this.redis.commands.zrem(this.redis.key('rate', counter, 'concurrent'), member);
    } catch (error) {
      log.warn(`rate limit: could not free a concurrency slot of ${counter} in Redis (its lease frees it)`, error);
    }
  }

  close(): void {
    this.stopRenewing();
  }

  private async removeOrphans(): Promise<void> {
    const pipeline = this.redis.commands.pipeline();
    for (const orphan of this.orphans) pipeline.zrem(orphan.key, orphan.member);
    await pipeline.exec();
    this.orphans.length = 0;
  }

  private counterKey(check: RateCheck): string {
    return check.kind === 'concurrent' ? this.redis.key('rate', check.counter, 'concurrent') : this.redis.key('rate', check.counter, String(check.windowMs));
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renewHolders(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  /** Extends (or, after a Redis restart, re-adds) the leases of the slots this process holds. */
  private async renewHolders(): Promise<void> {
    if (this.holders.size === 0) return;
    const expiry = Date.now() + this.leaseMs;
    const pipeline = this.redis.commands.pipeline();
    for (const [counter, members] of this.holders) {
      const key = this.redis.key('rate', counter, 'concurrent');
      for (const member of members) pipeline.zadd(key, expiry, member);
      pipeline.pexpire(key, this.leaseMs + 1_000);
    }
    try {
      await pipeline.exec();
    } catch (error) {
      log.warn('rate limit: could not renew concurrency leases in Redis', error);
    }
  }
}
