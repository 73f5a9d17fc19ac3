import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a private server of a test's own (PostgreSQL, Redis) is started and stopped. */
export interface PrivateServerHooks {
  /** Starts the server on `port` with its files in `directory`; resolves once it answers. */
  start(port: number, directory: string): Promise<void>;
  stop(): Promise<void>;
}

/** A started private server: `stop` and `start` may be called repeatedly; `start` reuses the port and the directory. */
export interface PrivateServerLifecycle {
  port: number;
  directory: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it (if running) and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * The lifecycle shared by the private servers of fault tests (the shared ones are never
 * stopped): a free 127.0.0.1 port and a temp directory of their own, start/stop guarded so
 * that repeated calls are no-ops, dispose that always removes the directory.
 */
export async function startPrivateServer(
  directoryPrefix: string,
  hooks: PrivateServerHooks,
  prepare?: (directory: string) => Promise<void>,
): Promise<PrivateServerLifecycle> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), directoryPrefix));
  await prepare?.(directory);
  let running = false;
  const start = async () => {
    if (running) return;
    await hooks.start(port, directory);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await hooks.stop();
    running = false;
  };
  await start();
  return {
    port,
    directory,
    start,
    stop,
    dispose: async () => {
      await stop().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
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
