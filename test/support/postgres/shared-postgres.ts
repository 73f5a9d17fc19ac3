import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL this machine runs for everyone (never stopped: each test makes its own database and drops it). */
export const sharedPostgresUrl = process.env['SWITCHYARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops it (closing whatever connections are still open on it). */
  drop(): Promise<void>;
}

/** A freshly created, empty database of the test's own on the server at `serverUrl`. */
export async function createTestDatabase(label: string, serverUrl = sharedPostgresUrl): Promise<TestDatabase> {
  const name = `switchyard_test_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
