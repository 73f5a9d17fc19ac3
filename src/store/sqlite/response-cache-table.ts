import type Database from 'better-sqlite3';

/** Expired rows are deleted once every this many writes (reads already ignore them). */
const purgeEvery = 200;

/** The response cache table, used inside the storage worker (synchronous, like the other SQLite stores). */
export class SqliteResponseCacheTable {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly purge: Database.Statement;
  private writes = 0;

  constructor(database: Database.Database) {
    this.select = database.prepare('SELECT value FROM response_cache WHERE cache_key = ? AND expires_at > ?');
    this.upsert = database.prepare(
      'INSERT INTO response_cache (cache_key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    );
    this.purge = database.prepare('DELETE FROM response_cache WHERE expires_at <= ?');
  }

  get(key: string, now: number): string | undefined {
    return (this.select.get(key, now) as { value: string } | undefined)?.value;
  }

  put(key: string, value: string, expiresAt: number): void {
    this.upsert.run(key, value, expiresAt);
    if (++this.writes % purgeEvery === 0) this.purge.run(Date.now());
  }
}
