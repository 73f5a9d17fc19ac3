import type { Pool } from 'pg';
import type { ResponseStore, StoredResponse } from '../response-store.ts';

interface Row {
  id: string;
  scope: string;
  previous_id: string | null;
  created_at: string;
  expires_at: string;
  input: unknown[];
  response: Record<string, unknown>;
}

/** Hard stop on a chain walk: a cycle (which `put` cannot make, but a hand-edited table could) never loops. */
const maxChainLength = 100_000;

/** Stored Responses on Postgres; a chain is one recursive query, scoped and expiry-checked at every step. */
export class PostgresResponseStore implements ResponseStore {
  constructor(private readonly pool: Pool) {}

  async put(record: StoredResponse): Promise<void> {
    await this.pool.query(
      `INSERT INTO stored_responses (id, scope, previous_id, created_at, expires_at, input, response) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (scope, id) DO UPDATE SET previous_id = EXCLUDED.previous_id, created_at = EXCLUDED.created_at,
       expires_at = EXCLUDED.expires_at, input = EXCLUDED.input, response = EXCLUDED.response`,
      [record.id, record.scope, record.previousId, record.createdAt, record.expiresAt, JSON.stringify(record.input), JSON.stringify(record.response)],
    );
  }

  async get(id: string, scope: string, now: Date): Promise<StoredResponse | undefined> {
    const row = (await this.pool.query<Row>('SELECT * FROM stored_responses WHERE scope = $1 AND id = $2 AND expires_at > $3', [scope, id, now.toISOString()]))
      .rows[0];
    return row && fromRow(row);
  }

  async chain(id: string, scope: string, now: Date): Promise<StoredResponse[] | undefined> {
    const result = await this.pool.query<Row>(
      `WITH RECURSIVE chain(depth, id, scope, previous_id, created_at, expires_at, input, response) AS (
        SELECT 0, id, scope, previous_id, created_at, expires_at, input, response FROM stored_responses WHERE scope = $1 AND id = $2 AND expires_at > $3
        UNION ALL
        SELECT chain.depth + 1, r.id, r.scope, r.previous_id, r.created_at, r.expires_at, r.input, r.response
          FROM stored_responses r JOIN chain ON r.scope = chain.scope AND r.id = chain.previous_id
          WHERE r.expires_at > $3 AND chain.depth < ${maxChainLength}
      ) SELECT * FROM chain ORDER BY depth DESC`,
      [scope, id, now.toISOString()],
    );
    const rows = result.rows.map(fromRow);
    if (rows.length === 0) return undefined;
    // The oldest record found must be a conversation's first turn; otherwise a link is missing.
    return rows[0]!.previousId === null ? rows : undefined;
  }

  async delete(id: string, scope: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM stored_responses WHERE scope = $1 AND id = $2', [scope, id])).rowCount ?? 0) > 0;
  }

  async purgeExpired(now: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM stored_responses WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0;
  }
}

function fromRow(row: Row): StoredResponse {
  return {
    id: row.id,
    scope: row.scope,
    previousId: row.previous_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    input: row.input,
    response: row.response,
  };
}
