import { migratePostgres } from './migrations.ts';
import { checkReachable, createPool, describePostgresUrl } from './open-pool.ts';

/** `switchyard migrate` on Postgres: connects, applies what is pending; answers where (no password) and the step names applied (none when current). */
export async function migrateDatabase(url: string): Promise<{ target: string; applied: string[] }> {
  const pool = createPool(url, { max: 1 });
  try {
    await checkReachable(pool, url);
    return { target: describePostgresUrl(url), applied: await migratePostgres(pool) };
  } finally {
    await pool.end();
  }
}
