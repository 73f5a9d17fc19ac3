/**
 * `npm run bench -- startup`: how fast the compiled gateway is ready and how much memory it
 * holds idle. Builds dist/ if stale (scripts/ensure-build.mjs), then RUNS times: spawns
 * `node bin/switchyard.js start` on a throw-away config (one provider, one alias, one key,
 * its own SQLite file), times exec → the listening line → the first `GET /health` 200, then
 * reads the process's resident set size (/proc/PID/status VmRSS) after IDLE_MS of idleness,
 * and again after one model request and IDLE_MS more.
 *
 *   STARTUP_RUNS=7       runs (default 7; the table shows median, min and max)
 *   STARTUP_IDLE_MS=2000 idle time before each RSS reading
 *   NODE_FLAGS="…"       extra node flags for the gateway (e.g. to compare a flag's effect)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer } from './child-server.ts';
import { MOCK_API_KEY, MOCK_MODEL } from './mock-upstream.ts';
import { GATEWAY_CLIENT_KEY, gatewayConfigYaml } from './start-gateway.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface StartupRun {
  listeningMs: number;
  healthMs: number;
  idleRssMb: number;
  afterRequestRssMb: number;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function oneRun(workDir: string, mockUrl: string, idleMs: number, nodeFlags: string[]): Promise<StartupRun> {
  const configFile = join(workDir, 'switchyard.yaml');
  writeFileSync(configFile, gatewayConfigYaml({ repoRoot, workDir, mockUrl, upstreamApiKey: MOCK_API_KEY, model: MOCK_MODEL }));
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, join(repoRoot, 'bin', 'switchyard.js'), 'start', '--config', configFile, '--port', '0'], {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] },
  });
  try {
    let output = '';
    const { url, listeningMs } = await new Promise<{ url: string; listeningMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 20 s:\n${output}`)), 20_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ url: match[1]!, listeningMs: performance.now() - started });
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    let healthMs = Number.NaN;
    while (Number.isNaN(healthMs)) {
      const response = await fetch(`${url}/health`).catch(() => undefined);
      if (response?.status === 200) healthMs = performance.now() - started;
      await response?.arrayBuffer();
      if (performance.now() - started > 20_000) throw new Error('no /health 200 in 20 s');
    }
    await sleep(idleMs);
    const idleRssMb = rssMb(child.pid!);
    const answer = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MOCK_MODEL, input: 'hi', stream: false }),
    });
    if (answer.status !== 200) throw new Error(`the request through the gateway answered ${answer.status}: ${await answer.text()}`);
    await answer.arrayBuffer();
    await sleep(idleMs);
    return { listeningMs, healthMs, idleRssMb, afterRequestRssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
}

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

export async function runStartupBench(): Promise<number> {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  const runs = Math.round(envNumber('STARTUP_RUNS', 7));
  const idleMs = envNumber('STARTUP_IDLE_MS', 2000);
  const nodeFlags = (process.env['NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
  const loadAtStart = loadavg();
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
  const mock = await startChildServer({
    name: 'mock',
    command: process.execPath,
    args: ['--import', 'tsx', join('bench', 'mock-upstream.ts')],
    cwd: repoRoot,
    logFile: join(workDir, 'mock.log'),
    startTimeoutMs: 30_000,
  });
  const results: StartupRun[] = [];
  try {
    for (let index = 0; index < runs; index++) {
      const dir = join(workDir, `run-${index}`);
      mkdirSync(dir);
      results.push(await oneRun(dir, mock.url, idleMs, nodeFlags));
    }
  } finally {
    await mock.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const rows: Array<[string, keyof StartupRun, string, number]> = [
    ['exec → listening line', 'listeningMs', 'ms', 1000],
    ['exec → first /health 200', 'healthMs', 'ms', 1000],
    [`idle RSS (${idleMs} ms after ready)`, 'idleRssMb', 'MB', 80],
    [`RSS after one request (+${idleMs} ms)`, 'afterRequestRssMb', 'MB', Number.POSITIVE_INFINITY],
  ];
  const lines = ['| measure | median | min | max | target |', '|---|--:|--:|--:|--:|'];
  for (const [label, field, unit, target] of rows) {
    const { median, min, max } = stats(results.map((run) => run[field]));
    const verdict = Number.isFinite(target) ? `≤ ${target} ${unit} ${median <= target ? 'ok' : 'MISS'}` : '–';
    lines.push(
      `| ${label} | ${median.toFixed(unit === 'ms' ? 0 : 1)} ${unit} | ${min.toFixed(unit === 'ms' ? 0 : 1)} | ${max.toFixed(unit === 'ms' ? 0 : 1)} | ${verdict} |`,
    );
  }
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  process.stdout.write(
    `\nStart-up of the compiled build, ${runs} runs, Node ${process.version}${nodeFlags.length ? `, flags ${nodeFlags.join(' ')}` : ''}\n\n${lines.join('\n')}\n\n`,
  );
  process.stdout.write(`load average at start ${load(loadAtStart)}, at end ${load(loadavg())} (${cpus().length} CPUs)\n`);
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench', 'results', 'startup.json'),
    `${JSON.stringify({ node: process.version, nodeFlags, idleMs, runs: results }, null, 2)}\n`,
  );
  const health = stats(results.map((run) => run.healthMs)).median;
  const rss = stats(results.map((run) => run.idleRssMb)).median;
  return health <= 1000 && rss <= 80 ? 0 : 1;
}
