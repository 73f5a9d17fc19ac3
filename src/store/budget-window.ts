/**
 * Budget windows in UTC. A window is identified by its start instant, so every process (and
 * every store backend) that sees the same clock agrees on which counter a request belongs to.
 */
import type { BudgetWindowKind } from './spend-store.ts';

export type { BudgetWindowKind };

export interface WindowOptions {
  /** 1 = Monday … 7 = Sunday. */
  weekStartsOn: number;
  /** 1-28, so every month has that day. */
  monthStartsOn: number;
}

export interface BudgetWindow {
  /** ISO instant, whole seconds, e.g. `2026-11-01T00:00:00Z`. */
  start: string;
  /** When the next window starts; null for `total`, which never resets. */
  resetAt: string | null;
}

const dayMs = 86_400_000;

export function windowOf(window: BudgetWindowKind, now: Date, options: WindowOptions): BudgetWindow {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('windowOf: invalid date');
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  switch (window) {
    case 'day':
      return { start: isoSeconds(midnight), resetAt: isoSeconds(midnight + dayMs) };
    case 'week': {
      // Config counts 1 = Monday … 7 = Sunday; getUTCDay counts 0 = Sunday … 6 = Saturday.
      const startDay = checkedInt(options.weekStartsOn, 1, 7, 'weekStartsOn') % 7;
      const daysSinceStart = (now.getUTCDay() - startDay + 7) % 7;
      const start = midnight - daysSinceStart * dayMs;
      return { start: isoSeconds(start), resetAt: isoSeconds(start + 7 * dayMs) };
    }
    case 'month': {
      const startDate = checkedInt(options.monthStartsOn, 1, 28, 'monthStartsOn');
      // Before the start day, the window began in the previous month (Date.UTC wraps month -1
      // to December of the previous year).
      const monthOffset = now.getUTCDate() >= startDate ? 0 : -1;
      const year = now.getUTCFullYear();
      const month = now.getUTCMonth() + monthOffset;
      return { start: isoSeconds(Date.UTC(year, month, startDate)), resetAt: isoSeconds(Date.UTC(year, month + 1, startDate)) };
    }
    case 'total':
      return { start: isoSeconds(0), resetAt: null };
  }
}

/** `toISOString` without the milliseconds: window bounds are always whole seconds. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkedInt(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`windowOf: ${name} must be an integer ${min}-${max}, got ${value}`);
  return value;
}
