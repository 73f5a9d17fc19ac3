import { execFile, execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPrivateServer } from '../private-server.ts';

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
  const asRoot = process.getuid?.() === 0;
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  let data = '';
  const server = await startPrivateServer(
    'switchyard-pg-',
    {
      start: async (port, directory) => {
        const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=60`;
        await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(directory, 'log'), '-w', '-t', '30', 'start']);
      },
      stop: async () => {
        await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      },
    },
    async (directory) => {
      data = join(directory, 'data');
      if (asRoot) chownSync(directory, ...postgresIds());
      await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    },
  );
  return { url: `postgres://postgres@127.0.0.1:${server.port}/postgres`, port: server.port, start: server.start, stop: server.stop, dispose: server.dispose };
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}
