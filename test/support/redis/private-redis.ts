import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { startPrivateServer } from '../private-server.ts';

/**
 * A redis-server of the test's own (for fault tests: the shared one is never stopped), on a
 * free 127.0.0.1 port, keeping nothing on disk. `stop` and `start` may be called repeatedly;
 * `start` reuses the same port, so clients reconnect to it.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing answers (a hung or partitioned Redis); data is kept. */
  pause(): void;
  resume(): void;
  /** Stops it (if running) and removes its directory. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  let child: ChildProcess | undefined;
  const server = await startPrivateServer('switchyard-redis-', {
    start: async (port, directory) => {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory], {
        stdio: 'ignore',
      });
      const deadline = Date.now() + 10_000;
      while (!(await answers(port))) {
        if (Date.now() > deadline) throw new Error(`private redis-server on port ${port} did not start within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async () => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGCONT');
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  });
  return {
    url: `redis://127.0.0.1:${server.port}/0`,
    port: server.port,
    start: server.start,
    stop: server.stop,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    dispose: server.dispose,
  };
}

/** True when something on the port answers PING with PONG. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}
