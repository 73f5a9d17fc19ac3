import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = process.env['SWITCHYARD_TEST_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (for fault tests: the shared one is never stopped), on
 * a free 127.0.0.1 port, in a temporary data directory, trust auth for user `postgres`.
 * initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` OS user.
 * `stop` and `start` may be called repeatedly; `start` reuses the port and the data.
 */
export interface PrivatePostgres {
  /** The server's `postgres` database. */
  url: string;
  port: number;
  start(): Promise<void>;
  /** A fast shutdown: open connections are closed, the data is kept. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
  const data = join(directory, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(directory, ...postgresIds());
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=60`;
  let running = false;
  const start = async () => {
    if (running) return;
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(directory, 'log'), '-w', '-t', '30', 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    dispose: async () => {
      await stop().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
