/**
 * Starts a server as a child process and waits for the line with its URL. The child's stdout
 * and stderr go to a log file, not a pipe: the load generator must not spend its CPU draining a
 * chatty gateway's logs, and the file keeps the whole output for an error report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildServerOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Ports that may appear in the output before the real URL (e.g. the upstream in a config dump). */
  ignorePorts?: number[];
  startTimeoutMs?: number;
}

export interface ChildServer {
  name: string;
  pid: number;
  url: string;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export class ChildServerError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'ChildServerError';
  }
}

const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)/g;

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function findUrl(output: string, ignorePorts: number[]): string | undefined {
  for (const match of output.matchAll(URL_PATTERN)) {
    const port = Number(match[1]);
    if (port > 0 && !ignorePorts.includes(port)) return `http://127.0.0.1:${port}`;
  }
  return undefined;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const log = openSync(options.logFile, 'w');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let failure: Error | undefined;
  void spawnError.then((error) => {
    failure = error;
  });

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited(child)) child.kill('SIGKILL');
    }, graceMs);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const output = readLog(options.logFile);
    const url = findUrl(output, options.ignorePorts ?? []);
    if (url && child.pid !== undefined) return { name: options.name, pid: child.pid, url, stop };
    if (failure) throw new ChildServerError(`${options.name} could not be started: ${failure.message}`, readLog(options.logFile));
    if (exited(child)) {
      throw new ChildServerError(
        `${options.name} exited before printing its URL (exit code ${child.exitCode ?? 'none'}, signal ${child.signalCode ?? 'none'})`,
        readLog(options.logFile),
      );
    }
    if (Date.now() > deadline) {
      await stop(1_000);
      throw new ChildServerError(
        `${options.name} printed no http://127.0.0.1:PORT line within ${options.startTimeoutMs ?? 30_000} ms`,
        readLog(options.logFile),
      );
    }
    await sleep(50);
  }
}
