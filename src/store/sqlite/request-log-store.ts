import { type RollupSqlRow, rollupBounds, toRollupRow } from '../rollup-sql.ts';
import { sqliteColumns } from './sqlite-columns.ts';
import { requestLogRowFromRecord } from '../request-log-record.ts';
import { attributeJsonPath } from './attribute-json-path.ts';
import type Database from 'better-sqlite3';
import type { ExperimentStatsRow, LogQuery, RequestLogRow, RequestLogStore } from '../ports.ts';
import type { SpendGroupBy, SpendRollupQuery, SpendRollupRow } from '../spend-store.ts';

/** What a request-log rollup groups by; `(none)` stands for a row without that attribute. Tags are not in the log. */
const rollupGroup: Partial<Record<SpendGroupBy, string>> = {
  key: "COALESCE(key_name, '(none)')",
  team: "COALESCE(team, '(none)')",
  user: "COALESCE(user_name, '(none)')",
  model: "COALESCE(served_model, model, '(none)')",
  provider: "COALESCE(provider, '(none)')",
  day: 'substr(started_at, 1, 10)',
  attribute: "COALESCE(json_extract(attributes, @attributePath), '(none)')",
};

/** The group_by values a request-log rollup answers. */
export const requestLogRollupGroups = Object.keys(rollupGroup) as SpendGroupBy[];

/**
 * The request log table on SQLite, synchronous underneath. It runs where its connection lives:
 * inside the storage worker thread (`sqlite-worker.ts`), never on the request path; the main
 * thread batches rows in a write-behind queue (`store/write-behind-queue.ts`) and hands them
 * over with `appendBatch`. `append` writes at once (tests and tools use the class directly).
 * Rows are idempotent by request id (INSERT OR REPLACE), so a replayed spill file cannot
 * duplicate them.
 */
export class SqliteRequestLogStore implements RequestLogStore {
  private readonly insert: Database.Statement;
  private readonly writeBatch: (rows: RequestLogRow[]) => void;

  constructor(private readonly database: Database.Database) {
    this.insert = database.prepare(`INSERT OR REPLACE INTO request_logs (
      request_id, started_at, key_name, team, user_name, surface, endpoint, model, served_model, provider,
      stream, status, outcome, error_code, error_message, input_tokens, cached_input_tokens, cache_write_tokens,
      output_tokens, reasoning_tokens, usage_estimated, cost_micros, latency_ms, ttfb_ms, attempts, rule, warnings,
      request_body, response_body, attributes, tags, experiment, variant, cache, cost_saved_micros, prompt_cache_saved_micros)
      VALUES (@requestId, @startedAt, @keyName, @team, @user, @surface, @endpoint, @model, @servedModel, @provider,
      @stream, @status, @outcome, @errorCode, @errorMessage, @inputTokens, @cachedInputTokens, @cacheWriteTokens,
      @outputTokens, @reasoningTokens, @usageEstimated, @costMicros, @latencyMs, @ttfbMs, @attempts, @rule, @warnings,
      @requestBody, @responseBody, @attributes, @tags, @experiment, @variant, @cache, @costSavedMicros, @promptCacheSavedMicros)`);
    this.writeBatch = database.transaction((rows: RequestLogRow[]) => {
      for (const row of rows) this.insert.run(toParameters(row));
    });
  }

  append(row: RequestLogRow): void {
    this.writeBatch([row]);
  }

  /** Writes rows in one transaction. */
  appendBatch(rows: RequestLogRow[]): void {
    if (rows.length > 0) this.writeBatch(rows);
  }

  async flush(): Promise<void> {}

  async query(filter: LogQuery): Promise<RequestLogRow[]> {
    const where: string[] = [];
    const parameters: Record<string, unknown> = {};
    if (filter.key) {
      where.push('key_name = @key');
      parameters['key'] = filter.key;
    }
    if (filter.model) {
      where.push('(model = @model OR served_model = @model)');
      parameters['model'] = filter.model;
    }
    if (filter.outcome) {
      where.push('outcome = @outcome');
      parameters['outcome'] = filter.outcome;
    }
    if (filter.since) {
      where.push('started_at >= @since');
      parameters['since'] = filter.since;
    }
    for (const [field, column, operator] of [
      ['requestId', 'request_id', '='],
      ['team', 'team', '='],
      ['provider', 'provider', '='],
      ['until', 'started_at', '<'],
    ] as const) {
      const value = filter[field];
      if (!value) continue;
      where.push(`${column} ${operator} @${field}`);
      parameters[field] = value;
    }
    parameters['limit'] = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const sql = `SELECT * FROM request_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT @limit`;
    return (this.database.prepare(sql).all(parameters) as Record<string, unknown>[]).map(fromRecord);
  }

  async experimentStats(query: { since?: string }): Promise<ExperimentStatsRow[]> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    if (since !== undefined && !Number.isFinite(since.getTime())) throw new RangeError(`experiment stats: since is not a date: ${query.since}`);
    const rows = this.database
      .prepare(
        `SELECT experiment, variant, COUNT(*) AS requests, SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END) AS errors,
        json_group_array(DISTINCT served_model) AS served, AVG(latency_ms) AS latency, AVG(ttfb_ms) AS ttfb, SUM(cost_micros) AS cost,
        SUM(input_tokens) AS input, SUM(output_tokens) AS output
        FROM request_logs WHERE experiment IS NOT NULL AND variant IS NOT NULL ${since ? 'AND started_at >= @since' : ''}
        GROUP BY experiment, variant ORDER BY experiment, variant`,
      )
      .all(since ? { since: since.toISOString() } : {}) as Array<{
      experiment: string;
      variant: string;
      requests: number;
      errors: number;
      served: string;
      latency: number;
      ttfb: number | null;
      cost: number;
      input: number;
      output: number;
    }>;
    return rows.map((row) => ({
      experiment: row.experiment,
      variant: row.variant,
      requests: row.requests,
      errors: row.errors,
      servedModels: (JSON.parse(row.served) as Array<string | null>).filter((model): model is string => model !== null).sort(),
      avgLatencyMs: Math.round(row.latency * 100) / 100,
      avgTtfbMs: row.ttfb === null ? null : Math.round(row.ttfb * 100) / 100,
      costMicros: row.cost,
      inputTokens: row.input,
      outputTokens: row.output,
    }));
  }

  /**
   * Spend per group from the request log, in one SQL GROUP BY. Only rows that were routed to a
   * provider count (rejections cost nothing and would add unknown model names); `model` is the
   * model that served. The cost is each request's final priced usage; the spend ledger, which
   * bills every attempt, is the exact source when it is wired.
   */
  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    const group = rollupGroup[query.groupBy];
    if (!group) throw new RangeError(`request log rollup: cannot group by "${String(query.groupBy)}" (one of ${requestLogRollupGroups.join(', ')})`);
    const where = ['provider IS NOT NULL'];
    const parameters: Record<string, string> = {};
    if (query.groupBy === 'attribute') parameters['attributePath'] = attributeJsonPath(query.attribute, 'request log rollup');
    for (const { bound, operator, instant } of rollupBounds(query, 'request log rollup')) {
      where.push(`started_at ${operator} @${bound}`);
      parameters[bound] = instant;
    }
    const order = query.groupBy === 'day' ? 'grp ASC' : 'cost DESC, grp ASC';
    const sql = `SELECT ${group} AS grp, SUM(cost_micros) AS cost, COUNT(*) AS requests, SUM(input_tokens) AS input,
      SUM(output_tokens) AS output, SUM(CASE WHEN usage_estimated = 1 THEN cost_micros ELSE 0 END) AS estimated
      FROM request_logs WHERE ${where.join(' AND ')} GROUP BY grp ORDER BY ${order}`;
    const rows = this.database.prepare(sql).all(parameters) as RollupSqlRow[];
    return rows.map(toRollupRow);
  }
}

function toParameters(row: RequestLogRow): Record<string, unknown> {
  return {
    ...row,
    stream: row.stream ? 1 : 0,
    usageEstimated: row.usageEstimated ? 1 : 0,
    attempts: JSON.stringify(row.attempts),
    warnings: JSON.stringify(row.warnings),
    attributes: JSON.stringify(row.attributes ?? {}),
    tags: JSON.stringify(row.tags ?? []),
    experiment: row.experiment ?? null,
    variant: row.variant ?? null,
    cache: row.cache ?? 'bypass',
    costSavedMicros: row.costSavedMicros ?? 0,
    promptCacheSavedMicros: row.promptCacheSavedMicros ?? 0,
  };
}

function fromRecord(record: Record<string, unknown>): RequestLogRow {
  return requestLogRowFromRecord(record, sqliteColumns);
}
