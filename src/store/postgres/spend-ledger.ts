import type { Pool, PoolClient } from 'pg';
import { isAttributeName } from '../../core/attribute-name.ts';
import type { BudgetScope, SpendGroupBy, SpendLedgerEntry, SpendRollupQuery, SpendRollupRow } from '../spend-store.ts';
import { multiRowInsert } from './multi-row-insert.ts';

/** What each rollup groups by; `(none)` for an entry without it. `$1` is the attribute name. */
const groupExpression: Record<SpendGroupBy, string> = {
  key: "COALESCE(key_name, '(none)')",
  team: "COALESCE(team, '(none)')",
  user: "COALESCE(user_name, '(none)')",
  model: 'model',
  provider: 'provider',
  day: 'substr(created_at, 1, 10)',
  tag: 'tag.value',
  attribute: "COALESCE(attributes ->> $1::text, '(none)')",
};

/** Which ledger rows belong to a budget subject (`$1`), the same ones budgetRulesFor matches. */
const subjectFilter: Record<BudgetScope, string> = {
  key: 'key_name = $1',
  team: 'team = $1',
  user: 'user_name = $1',
  tag: 'tags ? $1',
  org: '$1::text IS NOT NULL',
  // Subject `name=value`: the entry's attribute `name` equals `value`.
  attribute: "attributes ->> split_part($1, '=', 1) = substr($1, strpos($1, '=') + 1)",
};

/** Column order of `ledgerRow` values, and each column's type (for INSERT … SELECT, where Postgres cannot infer them). */
export const ledgerColumns = [
  'request_id',
  'attempt',
  'key_name',
  'team',
  'user_name',
  'tags',
  'attributes',
  'provider',
  'model',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_micros',
  'estimated',
  'reason',
  'created_at',
] as const;
const columns = ledgerColumns;
export const ledgerColumnTypes = [
  'text',
  'integer',
  'text',
  'text',
  'text',
  'jsonb',
  'jsonb',
  'text',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'boolean',
  'text',
  'text',
] as const;

/**
 * The append-only spend ledger on Postgres: one row per upstream attempt. Every insert is
 * idempotent by (request, attempt, instant), so a replayed outbox row is never booked twice.
 */
export const PostgresSpendLedger = {
  /** One multi-row INSERT for the whole batch. */
  async append(client: Pool | PoolClient, entries: SpendLedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await client.query(multiRowInsert('spend_ledger', columns, entries.map(ledgerRow), 'ON CONFLICT (request_id, attempt, created_at) DO NOTHING'));
  },

  /** Spend of a subject within [start, resetAt): the seed of a counter that appears mid-window. */
  async spentIn(client: PoolClient, scope: BudgetScope, subject: string, start: string, resetAt: string | null): Promise<number> {
    const result = await client.query<{ total: number }>(
      `SELECT COALESCE(SUM(cost_micros), 0)::bigint AS total FROM spend_ledger WHERE created_at >= $2 AND created_at < $3 AND ${subjectFilter[scope]}`,
      [subject, normalizedInstant(start), resetAt === null ? '9999-12-31T23:59:59.999Z' : normalizedInstant(resetAt)],
    );
    return result.rows[0]!.total;
  },

  async rollup(pool: Pool, query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    const group = groupExpression[query.groupBy];
    if (!group) throw new RangeError(`spend rollup: unknown group_by "${String(query.groupBy)}"`);
    const values: unknown[] = [];
    if (query.groupBy === 'attribute') {
      if (query.attribute === undefined || !isAttributeName(query.attribute))
        throw new RangeError(`spend rollup: not an attribute name: ${String(query.attribute)}`);
      values.push(query.attribute);
    }
    const where: string[] = [];
    for (const [bound, operator] of [
      ['since', '>='],
      ['until', '<'],
    ] as const) {
      const value = query[bound];
      if (value === undefined) continue;
      const instant = normalizedInstant(value);
      if (!instant) throw new RangeError(`spend rollup: ${bound} is not a date: ${value}`);
      values.push(instant);
      where.push(`created_at ${operator} $${values.length}`);
    }
    // A tag rollup counts an entry once under each of its tags (and not at all without tags).
    const from = query.groupBy === 'tag' ? 'spend_ledger, jsonb_array_elements_text(spend_ledger.tags) AS tag(value)' : 'spend_ledger';
    const order = query.groupBy === 'day' ? 'grp ASC' : 'cost DESC, grp ASC';
    const result = await pool.query<{ grp: string; cost: number; requests: number; input: number; output: number; estimated: number }>(
      `SELECT ${group} AS grp, SUM(cost_micros)::bigint AS cost, COUNT(DISTINCT request_id) AS requests,
      SUM(input_tokens)::bigint AS input, SUM(output_tokens)::bigint AS output, SUM(CASE WHEN estimated THEN cost_micros ELSE 0 END)::bigint AS estimated
      FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY grp ORDER BY ${order}`,
      values,
    );
    return result.rows.map((row) => ({
      group: row.grp,
      costMicros: row.cost,
      requests: row.requests,
      inputTokens: row.input,
      outputTokens: row.output,
      estimatedMicros: row.estimated,
    }));
  },
};

/** One entry as the values of `ledgerColumns`. */
export function ledgerRow(entry: SpendLedgerEntry): unknown[] {
  return [
    entry.requestId,
    count(entry.attempt),
    entry.keyName ?? null,
    entry.team ?? null,
    entry.user ?? null,
    JSON.stringify(entry.tags ?? []),
    JSON.stringify(entry.attributes ?? {}),
    entry.provider,
    entry.model,
    count(entry.inputTokens),
    count(entry.cachedInputTokens),
    count(entry.cacheWriteTokens),
    count(entry.outputTokens),
    count(entry.reasoningTokens),
    count(entry.costMicros),
    entry.estimated === true,
    entry.reason,
    normalizedInstant(entry.createdAt) ?? new Date().toISOString(),
  ];
}

/** Ledger instants are stored as `toISOString()` so text comparison is time comparison. */
function normalizedInstant(value: string): string | undefined {
  const time = new Date(value).getTime();
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
