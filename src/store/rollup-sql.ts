import type { SpendRollupRow } from './spend-store.ts';

/** Ledger and log instants are stored as `toISOString()`, so comparing the text compares the time. */
export function normalizedInstant(value: string): string | undefined {
  const time = new Date(value).getTime();
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

export interface RollupBound {
  bound: 'since' | 'until';
  operator: '>=' | '<';
  instant: string;
}

/**
 * The time bounds of a rollup, validated and normalized, for a backend to bind in its own
 * placeholder syntax. `what` names the caller in the RangeError a malformed date raises.
 */
export function rollupBounds(query: { since?: string; until?: string }, what: string): RollupBound[] {
  const bounds: RollupBound[] = [];
  for (const [bound, operator] of [
    ['since', '>='],
    ['until', '<'],
  ] as const) {
    const value = query[bound];
    if (value === undefined) continue;
    const instant = normalizedInstant(value);
    if (!instant) throw new RangeError(`${what}: ${bound} is not a date: ${value}`);
    bounds.push({ bound, operator, instant });
  }
  return bounds;
}

/** One row of a rollup's `SELECT … AS grp, … AS cost, … AS requests, … AS input, … AS output, … AS estimated`. */
export interface RollupSqlRow {
  grp: string;
  cost: number;
  requests: number;
  input: number;
  output: number;
  estimated: number;
}

export function toRollupRow(row: RollupSqlRow): SpendRollupRow {
  return {
    group: row.grp,
    costMicros: row.cost,
    requests: row.requests,
    inputTokens: row.input,
    outputTokens: row.output,
    estimatedMicros: row.estimated,
  };
}
