import type { Pool } from 'pg';
import type { ResponseCacheStore } from '../response-cache-store.ts';

/** Expired rows are deleted once every this many writes (reads already ignore them). */
const purgeEvery = 200;

/** The exact response cache (decision 0012) on Postgres, shared by every instance on the database. */
export class PostgresResponseCacheTable implements ResponseCacheStore {
  private writes = 0;

  constructor(private readonly pool: Pool) {}

  async get(key: string, now: number): Promise<string | undefined> {
    const result = await this.pool.query<{ value: string }>('SELECT value FROM response_cache WHERE cache_key = $1 AND expires_at > $2', [key, now]);
    return result.rows[0]?.value;
  }

  async put(key: string, value: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO response_cache (cache_key, value, expires_at) VALUES ($1, $2, $3) ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at',
      [key, value, expiresAt],
    );
    if (++this.writes % purgeEvery === 0) await this.pool.query('DELETE FROM response_cache WHERE expires_at <= $1', [Date.now()]);
  }
}
