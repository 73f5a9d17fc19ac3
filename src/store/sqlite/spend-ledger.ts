import { type RollupSqlRow, rollupBounds, toRollupRow, normalizedInstant } from '../rollup-sql.ts';
import { attributeJsonPath } from './attribute-json-path.ts';
import type Database from 'better-sqlite3';
import type { BudgetScope, SpendGroupBy, SpendLedgerEntry, SpendRollupQuery, SpendRollupRow } from '../spend-store.ts';

/** What each rollup groups by; `(none)` stands for an entry without that attribute. */
const groupExpression: Record<SpendGroupBy, string> = {
  key: "COALESCE(key_name, '(none)')",
  team: "COALESCE(team, '(none)')",
  user: "COALESCE(user_name, '(none)')",
  model: 'model',
  provider: 'provider',
  day: 'substr(created_at, 1, 10)',
  tag: 'tag.value',
  // The attribute's name is bound as a JSON path (@attributePath), never spliced into the SQL.
  attribute: "COALESCE(json_extract(attributes, @attributePath), '(none)')",
};

/** Which ledger rows belong to a budget subject (the same attributes budgetRulesFor matches). */
const subjectFilter: Record<BudgetScope, string> = {
  key: 'key_name = @subject',
  team: 'team = @subject',
  user: 'user_name = @subject',
  tag: 'EXISTS (SELECT 1 FROM json_each(spend_ledger.tags) WHERE json_each.value = @subject)',
  org: '@subject IS NOT NULL',
  // Subject `name=value`: the entry's attribute `name` equals `value`.
  attribute: `json_extract(spend_ledger.attributes, '$.' || substr(@subject, 1, instr(@subject, '=') - 1)) = substr(@subject, instr(@subject, '=') + 1)`,
};

/** The append-only spend ledger: one row per upstream attempt. Call within the store's transactions. */
export class SqliteSpendLedger {
  private readonly insert: Database.Statement;
  private readonly exists: Database.Statement;
  private readonly spentStatements: Record<BudgetScope, Database.Statement>;

  constructor(private readonly database: Database.Database) {
    this.insert = database.prepare(`INSERT INTO spend_ledger (request_id, attempt, key_name, team, user_name, tags, attributes, provider, model,
      input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_micros, estimated, reason, created_at)
      VALUES (@requestId, @attempt, @keyName, @team, @user, @tags, @attributes, @provider, @model, @inputTokens, @cachedInputTokens,
      @cacheWriteTokens, @outputTokens, @reasoningTokens, @costMicros, @estimated, @reason, @createdAt)`);
    this.exists = database.prepare('SELECT 1 FROM spend_ledger WHERE request_id = ? AND attempt = ? AND created_at = ? LIMIT 1');
    const spentIn = (scope: BudgetScope) =>
      database.prepare(
        `SELECT COALESCE(SUM(cost_micros), 0) AS total FROM spend_ledger WHERE created_at >= @start AND created_at < @end AND ${subjectFilter[scope]}`,
      );
    this.spentStatements = {
      key: spentIn('key'),
      team: spentIn('team'),
      user: spentIn('user'),
      tag: spentIn('tag'),
      attribute: spentIn('attribute'),
      org: spentIn('org'),
    };
  }

  /** `createdAt`: the entry's instant already normalized (parsing a date costs more than the insert's bindings). */
  append(entry: SpendLedgerEntry, createdAt = normalizedInstant(entry.createdAt)): void {
    this.insert.run({
      requestId: entry.requestId,
      attempt: count(entry.attempt),
      keyName: entry.keyName ?? null,
      team: entry.team ?? null,
      user: entry.user ?? null,
      tags: JSON.stringify(entry.tags ?? []),
      attributes: JSON.stringify(entry.attributes ?? {}),
      provider: entry.provider,
      model: entry.model,
      inputTokens: count(entry.inputTokens),
      cachedInputTokens: count(entry.cachedInputTokens),
      cacheWriteTokens: count(entry.cacheWriteTokens),
      outputTokens: count(entry.outputTokens),
      reasoningTokens: count(entry.reasoningTokens),
      costMicros: count(entry.costMicros),
      estimated: entry.estimated ? 1 : 0,
      reason: entry.reason,
      createdAt: createdAt ?? new Date().toISOString(),
    });
  }

  /** Appends unless the same row (request, attempt, instant) is already there: a replayed one. */
  appendOnce(entry: SpendLedgerEntry): void {
    const createdAt = normalizedInstant(entry.createdAt);
    if (createdAt === undefined || this.exists.get(entry.requestId, count(entry.attempt), createdAt) === undefined) this.append(entry, createdAt);
  }

  /** Spend of a subject within [start, resetAt): the seed of a counter that appears mid-window. */
  spentIn(scope: BudgetScope, subject: string, start: string, resetAt: string | null): number {
    const row = this.spentStatements[scope].get({
      subject,
      start: normalizedInstant(start),
      end: resetAt === null ? '9999-12-31T23:59:59.999Z' : normalizedInstant(resetAt),
    }) as { total: number };
    return row.total;
  }

  rollup(query: SpendRollupQuery): SpendRollupRow[] {
    const group = groupExpression[query.groupBy];
    if (!group) throw new RangeError(`spend rollup: unknown group_by "${String(query.groupBy)}"`);
    const where: string[] = [];
    const parameters: Record<string, string> = {};
    if (query.groupBy === 'attribute') parameters['attributePath'] = attributeJsonPath(query.attribute, 'spend rollup');
    for (const { bound, operator, instant } of rollupBounds(query, 'spend rollup')) {
      where.push(`created_at ${operator} @${bound}`);
      parameters[bound] = instant;
    }
    // A tag rollup counts an entry once under each of its tags (and not at all without tags).
    const from = query.groupBy === 'tag' ? 'spend_ledger, json_each(spend_ledger.tags) AS tag' : 'spend_ledger';
    const order = query.groupBy === 'day' ? 'grp ASC' : 'cost DESC, grp ASC';
    const sql = `SELECT ${group} AS grp, SUM(cost_micros) AS cost, COUNT(DISTINCT request_id) AS requests,
      SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(CASE WHEN estimated = 1 THEN cost_micros ELSE 0 END) AS estimated
      FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY grp ORDER BY ${order}`;
    const rows = this.database.prepare(sql).all(parameters) as RollupSqlRow[];
    return rows.map(toRollupRow);
  }
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
