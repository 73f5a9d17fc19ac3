/**
 * Runs one client CLI to completion inside its own process group, with a hard time limit.
 * Shared by the Codex CLI, Claude Code and Gemini CLI harnesses: all three start shells and
 * helpers that must not outlive a test.
 */
import { spawn } from 'node:child_process';

export interface SpawnBoundedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The group gets SIGTERM after this, SIGKILL `killGraceMs` later. */
  timeoutMs: number;
  /** Written to stdin, then stdin is closed; default: stdin closed at once. */
  stdin?: string;
}

export interface BoundedRun {
  /** Process (and process group) id; the group is gone when spawnBounded returns. */
  pid: number;
  /** null when the process was killed by a signal (see `signal`, `timedOut`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const KILL_GRACE_MS = 3000;
const STDIO_DRAIN_MS = 2000;

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export async function spawnBounded(command: string, args: readonly string[], options: SpawnBoundedOptions): Promise<BoundedRun> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    // Own process group: a timeout kills the client and every shell or helper it started.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT & co. asynchronously through 'error'.
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${command} did not start: ${error.message}`);
  }

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {}); // EPIPE when the client dies before reading
  child.stdin.end(options.stdin ?? '');

  let timedOut = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    killGroup(pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }, options.timeoutMs);

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, exitSignal) => resolve({ exitCode: code, signal: exitSignal }));
  });
  clearTimeout(timeoutTimer);
  clearTimeout(graceTimer);
  // Anything still in the group (a background job a command left behind) goes too.
  killGroup(pid, 'SIGKILL');
  // 'exit' can come before the last stdout bytes: wait for the pipes to close, but not forever
  // (an orphan in another session holding them open must not hang the test).
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, STDIO_DRAIN_MS)))]);
  clearTimeout(drainTimer);
  return { pid, exitCode, signal, timedOut, stdout, stderr };
}

/** True once every member of the group is gone; polls (bounded) since just-killed members may not be reaped yet. */
export async function processGroupGone(processGroupId: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      process.kill(-processGroupId, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
