import type { Pool, PoolClient } from 'pg';
import { isAttributeName } from '../../core/attribute-name.ts';
import type { ExperimentStatsRow, LogQuery, RequestLogRow, RequestLogStore } from '../ports.ts';
import type { SpendGroupBy, SpendRollupQuery, SpendRollupRow } from '../spend-store.ts';
import { multiRowInsert } from './multi-row-insert.ts';

/** What a request-log rollup groups by; `(none)` for a row without it. `$1` is the attribute name. Tags are not in the log. */
const rollupGroup: Partial<Record<SpendGroupBy, string>> = {
  key: "COALESCE(key_name, '(none)')",
  team: "COALESCE(team, '(none)')",
  user: "COALESCE(user_name, '(none)')",
  model: "COALESCE(served_model, model, '(none)')",
  provider: "COALESCE(provider, '(none)')",
  day: 'substr(started_at, 1, 10)',
  attribute: "COALESCE(attributes ->> $1::text, '(none)')",
};

const columns = [
  'request_id',
  'started_at',
  'key_name',
  'team',
  'user_name',
  'surface',
  'endpoint',
  'model',
  'served_model',
  'provider',
  'stream',
  'status',
  'outcome',
  'error_code',
  'error_message',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'usage_estimated',
  'cost_micros',
  'latency_ms',
  'ttfb_ms',
  'attempts',
  'rule',
  'warnings',
  'request_body',
  'response_body',
  'attributes',
  'tags',
  'experiment',
  'variant',
  'cache',
  'cost_saved_micros',
  'prompt_cache_saved_micros',
] as const;

// A repeated request id replaces the row (a replay writes the same values again).
const onConflict = `ON CONFLICT (request_id) DO UPDATE SET ${columns
  .filter((column) => column !== 'request_id')
  .map((column) => `${column} = EXCLUDED.${column}`)
  .join(', ')}`;

/**
 * The request log on Postgres. Rows reach it in batches from the storage's write-behind queue
 * (`insertBatch`: one multi-row INSERT per batch, never one round trip per request); reads
 * go to the pool.
 */
export class PostgresRequestLogStore implements Omit<RequestLogStore, 'append' | 'flush'> {
  constructor(private readonly pool: Pool) {}

  /** One statement for the whole batch; within it the last row of a request id wins (Postgres refuses to update one row twice). */
  static async insertBatch(client: Pool | PoolClient, rows: RequestLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const latest = new Map(rows.map((row) => [row.requestId, row]));
    const statement = multiRowInsert('request_logs', columns, [...latest.values()].map(toValues), onConflict);
    await client.query(statement);
  }

  async query(filter: LogQuery): Promise<RequestLogRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const bind = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.key) where.push(`key_name = ${bind(filter.key)}`);
    if (filter.model) {
      const model = bind(filter.model);
      where.push(`(model = ${model} OR served_model = ${model})`);
    }
    if (filter.outcome) where.push(`outcome = ${bind(filter.outcome)}`);
    if (filter.since) where.push(`started_at >= ${bind(filter.since)}`);
    const limit = bind(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
    const text = `SELECT * FROM request_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, seq DESC LIMIT ${limit}`;
    return (await this.pool.query(text, values)).rows.map(fromRecord);
  }

  async experimentStats(query: { since?: string }): Promise<ExperimentStatsRow[]> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    if (since !== undefined && !Number.isFinite(since.getTime())) throw new RangeError(`experiment stats: since is not a date: ${query.since}`);
    const result = await this.pool.query<{
      experiment: string;
      variant: string;
      requests: number;
      errors: number;
      served: string[];
      latency: number;
      ttfb: number | null;
      cost: number;
      input: number;
      output: number;
    }>(
      `SELECT experiment, variant, COUNT(*) AS requests, SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END)::bigint AS errors,
      array_remove(array_agg(DISTINCT served_model), NULL) AS served, AVG(latency_ms)::float8 AS latency, AVG(ttfb_ms)::float8 AS ttfb,
      SUM(cost_micros)::bigint AS cost, SUM(input_tokens)::bigint AS input, SUM(output_tokens)::bigint AS output
      FROM request_logs WHERE experiment IS NOT NULL AND variant IS NOT NULL ${since ? 'AND started_at >= $1' : ''}
      GROUP BY experiment, variant ORDER BY experiment, variant`,
      since ? [since.toISOString()] : [],
    );
    return result.rows.map((row) => ({
      experiment: row.experiment,
      variant: row.variant,
      requests: row.requests,
      errors: row.errors,
      servedModels: [...row.served].sort(),
      avgLatencyMs: Math.round(row.latency * 100) / 100,
      avgTtfbMs: row.ttfb === null ? null : Math.round(row.ttfb * 100) / 100,
      costMicros: row.cost,
      inputTokens: row.input,
      outputTokens: row.output,
    }));
  }

  /** Spend per group from the log: only rows routed to a provider, in one GROUP BY (see the SQLite store). */
  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    const group = rollupGroup[query.groupBy];
    if (!group) throw new RangeError(`request log rollup: cannot group by "${String(query.groupBy)}" (one of ${Object.keys(rollupGroup).join(', ')})`);
    const values: unknown[] = [];
    if (query.groupBy === 'attribute') {
      if (query.attribute === undefined || !isAttributeName(query.attribute))
        throw new RangeError(`request log rollup: not an attribute name: ${String(query.attribute)}`);
      values.push(query.attribute);
    }
    const where = ['provider IS NOT NULL'];
    for (const [bound, operator] of [
      ['since', '>='],
      ['until', '<'],
    ] as const) {
      const value = query[bound];
      if (value === undefined) continue;
      const time = new Date(value).getTime();
      if (!Number.isFinite(time)) throw new RangeError(`request log rollup: ${bound} is not a date: ${value}`);
      values.push(new Date(time).toISOString());
      where.push(`started_at ${operator} $${values.length}`);
    }
    const order = query.groupBy === 'day' ? 'grp ASC' : 'cost DESC, grp ASC';
    const result = await this.pool.query<{ grp: string; cost: number; requests: number; input: number; output: number; estimated: number }>(
      `SELECT ${group} AS grp, SUM(cost_micros)::bigint AS cost, COUNT(*) AS requests, SUM(input_tokens)::bigint AS input,
      SUM(output_tokens)::bigint AS output, SUM(CASE WHEN usage_estimated THEN cost_micros ELSE 0 END)::bigint AS estimated
      FROM request_logs WHERE ${where.join(' AND ')} GROUP BY grp ORDER BY ${order}`,
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
  }
}

function toValues(row: RequestLogRow): unknown[] {
  return [
    row.requestId,
    row.startedAt,
    row.keyName,
    row.team,
    row.user,
    row.surface,
    row.endpoint,
    row.model,
    row.servedModel,
    row.provider,
    row.stream,
    row.status,
    row.outcome,
    row.errorCode,
    row.errorMessage,
    row.inputTokens,
    row.cachedInputTokens,
    row.cacheWriteTokens,
    row.outputTokens,
    row.reasoningTokens,
    row.usageEstimated,
    row.costMicros,
    row.latencyMs,
    row.ttfbMs,
    JSON.stringify(row.attempts),
    row.rule,
    JSON.stringify(row.warnings),
    row.requestBody,
    row.responseBody,
    JSON.stringify(row.attributes ?? {}),
    JSON.stringify(row.tags ?? []),
    row.experiment ?? null,
    row.variant ?? null,
    row.cache ?? 'bypass',
    row.costSavedMicros ?? 0,
    row.promptCacheSavedMicros ?? 0,
  ];
}

function fromRecord(record: Record<string, unknown>): RequestLogRow {
  return {
    requestId: record['request_id'] as string,
    startedAt: record['started_at'] as string,
    keyName: (record['key_name'] as string | null) ?? null,
    team: (record['team'] as string | null) ?? null,
    user: (record['user_name'] as string | null) ?? null,
    surface: record['surface'] as string,
    endpoint: record['endpoint'] as string,
    model: (record['model'] as string | null) ?? null,
    servedModel: (record['served_model'] as string | null) ?? null,
    provider: (record['provider'] as string | null) ?? null,
    stream: record['stream'] as boolean,
    status: record['status'] as number,
    outcome: record['outcome'] as RequestLogRow['outcome'],
    errorCode: (record['error_code'] as string | null) ?? null,
    errorMessage: (record['error_message'] as string | null) ?? null,
    inputTokens: record['input_tokens'] as number,
    cachedInputTokens: record['cached_input_tokens'] as number,
    cacheWriteTokens: record['cache_write_tokens'] as number,
    outputTokens: record['output_tokens'] as number,
    reasoningTokens: record['reasoning_tokens'] as number,
    usageEstimated: record['usage_estimated'] as boolean,
    costMicros: record['cost_micros'] as number,
    latencyMs: record['latency_ms'] as number,
    ttfbMs: (record['ttfb_ms'] as number | null) ?? null,
    attempts: record['attempts'] as RequestLogRow['attempts'],
    rule: (record['rule'] as string | null) ?? null,
    warnings: record['warnings'] as string[],
    requestBody: (record['request_body'] as string | null) ?? null,
    responseBody: (record['response_body'] as string | null) ?? null,
    attributes: record['attributes'] as Record<string, string>,
    tags: record['tags'] as string[],
    experiment: (record['experiment'] as string | null) ?? null,
    variant: (record['variant'] as string | null) ?? null,
    cache: record['cache'] as NonNullable<RequestLogRow['cache']>,
    costSavedMicros: record['cost_saved_micros'] as number,
    promptCacheSavedMicros: record['prompt_cache_saved_micros'] as number,
  };
}
