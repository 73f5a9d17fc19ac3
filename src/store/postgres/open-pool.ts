import pg from 'pg';
import { ConfigError } from '../../config/config-error.ts';
import { log } from '../../core/log.ts';

export interface PostgresPoolOptions {
  /** Connections per instance [10]. */
  max?: number;
  /** How long a call waits for a connection, and a new connection for the server [2 s]. */
  connectTimeoutMs?: number;
  /** Client-side deadline of one statement [10 s]. */
  queryTimeoutMs?: number;
}

// BIGINT (money, tokens, COUNT) as numbers: every value the stores keep is far below 2^53.
const int8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === int8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/** The pool behind every Postgres store; the URL's credentials stay inside it. */
export function createPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    query_timeout: options.queryTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'switchyard',
    types,
  });
  // An idle connection the server dropped (restart, failover) must not crash the process; the pool replaces it.
  pool.on('error', (error) => log.warn(`storage: a Postgres connection failed while idle (${error.message}); it is replaced on next use`));
  // A connection checked out between two statements (a transaction) may be cut too: its next
  // statement fails and the transaction rolls back; the event itself must not crash the process.
  pool.on('connect', (client) => client.on('error', (error) => log.debug(`storage: a Postgres connection in use failed (${error.message})`)));
  return pool;
}

/** `postgres://user@host:5432/db` without its password, for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Startup check: the server answers and takes this login. Anything else is a ConfigError that says what to fix. */
export async function checkReachable(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = `${code ? `${code}: ` : ''}${(error as Error).message}`;
    throw Object.assign(
      new ConfigError(
        `storage.url: cannot use Postgres at ${describePostgresUrl(url)} (${reason})`,
        code === '3D000'
          ? 'create the database first (createdb), or point storage.url at one that exists'
          : 'check that the server runs and that storage.url has the right host, port, user and database',
      ),
      { cause: error },
    );
  }
}
