import type Database from 'better-sqlite3';
import type { ResponseStore, StoredResponse } from '../response-store.ts';

/** A stored response as its table row: `input` and `response` as JSON text. */
export interface StoredResponseRow {
  id: string;
  scope: string;
  previous_id: string | null;
  created_at: string;
  expires_at: string;
  input: string;
  response: string;
}

type Row = StoredResponseRow;

/**
 * The row of a record, serialized where the record is made (the main thread): the worker then
 * writes the texts as they are, instead of parsing a JSON copy of the record to re-serialize its parts.
 */
export function storedResponseRow(record: StoredResponse): StoredResponseRow {
  return {
    id: record.id,
    scope: record.scope,
    previous_id: record.previousId,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    input: JSON.stringify(record.input),
    response: JSON.stringify(record.response),
  };
}

/** Hard stop on a chain walk: a cycle (which `put` cannot make, but a hand-edited file could) never loops. */
const maxChainLength = 100_000;

/** Stored Responses on SQLite; a chain is one recursive query, scoped and expiry-checked at every step. */
export class SqliteResponseStore implements ResponseStore {
  private readonly upsert: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectChain: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly purge: Database.Statement;

  constructor(database: Database.Database) {
    this.upsert = database.prepare(`INSERT OR REPLACE INTO stored_responses (id, scope, previous_id, created_at, expires_at, input, response)
      VALUES (@id, @scope, @previous_id, @created_at, @expires_at, @input, @response)`);
    this.selectOne = database.prepare('SELECT * FROM stored_responses WHERE scope = ? AND id = ? AND expires_at > ?');
    this.selectChain = database.prepare(`WITH RECURSIVE chain(depth, id, scope, previous_id, created_at, expires_at, input, response) AS (
        SELECT 0, id, scope, previous_id, created_at, expires_at, input, response FROM stored_responses WHERE scope = @scope AND id = @id AND expires_at > @now
        UNION ALL
        SELECT chain.depth + 1, r.id, r.scope, r.previous_id, r.created_at, r.expires_at, r.input, r.response
          FROM stored_responses r JOIN chain ON r.scope = chain.scope AND r.id = chain.previous_id
          WHERE r.expires_at > @now AND chain.depth < ${maxChainLength}
      ) SELECT * FROM chain ORDER BY depth DESC`);
    this.remove = database.prepare('DELETE FROM stored_responses WHERE scope = ? AND id = ?');
    this.purge = database.prepare('DELETE FROM stored_responses WHERE expires_at <= ?');
  }

  async put(record: StoredResponse): Promise<void> {
    this.putRow(storedResponseRow(record));
  }

  putRow(row: StoredResponseRow): void {
    this.upsert.run(row);
  }

  async get(id: string, scope: string, now: Date): Promise<StoredResponse | undefined> {
    const row = this.selectOne.get(scope, id, now.toISOString()) as Row | undefined;
    return row && fromRow(row);
  }

  async chain(id: string, scope: string, now: Date): Promise<StoredResponse[] | undefined> {
    const rows = (this.selectChain.all({ id, scope, now: now.toISOString() }) as Row[]).map(fromRow);
    if (rows.length === 0) return undefined;
    // The oldest record found must be a conversation's first turn; otherwise a link is missing.
    return rows[0]!.previousId === null ? rows : undefined;
  }

  async delete(id: string, scope: string): Promise<boolean> {
    return this.remove.run(scope, id).changes > 0;
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.purge.run(now.toISOString()).changes;
  }
}

function fromRow(row: Row): StoredResponse {
  return {
    id: row.id,
    scope: row.scope,
    previousId: row.previous_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    input: JSON.parse(row.input) as unknown[],
    response: JSON.parse(row.response) as Record<string, unknown>,
  };
}
