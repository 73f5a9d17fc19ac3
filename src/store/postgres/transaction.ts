import type { Pool, PoolClient } from 'pg';

/** Postgres asks for a retry on these: serialization failure, deadlock detected. */
const retryable = new Set(['40001', '40P01']);

/**
 * Runs `body` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on a
 * throw. A deadlock or serialization failure (another instance won a race) is retried a few
 * times; a connection that broke is destroyed instead of going back to the pool.
 */
export async function inTransaction<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      const code = (error as { code?: string }).code;
      if (code !== undefined && retryable.has(code) && attempt < 5) continue;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
