/**
 * Runs wrk (the Debian package, /usr/bin/wrk) with one thread pinned to a CPU by taskset, and
 * reads its numbers back through a Lua `done` hook that prints one JSON line. The request (or
 * several, taken in turn: the soak's mix of streamed and whole answers) is POSTed from body
 * files, so the 38 KB Codex body is sent exactly as the undici loader sends it.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrkRequest {
  path: string;
  bodyFile: string;
  headers: Record<string, string>;
}

export interface WrkOptions {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** One request, or several sent in turn (request i goes to requests[i % n]). */
  requests: WrkRequest[];
  connections: number;
  durationSeconds: number;
  /** CPU list for `taskset -c` (default "0"). */
  cpus?: string;
  /** Where the generated Lua script is written. */
  workDir: string;
  timeoutSeconds?: number;
}

export interface WrkResult {
  requests: number;
  durationMs: number;
  requestsPerSecond: number;
  /** Non-2xx/3xx answers plus connect, read, write errors and timeouts. */
  errors: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  bytes: number;
  /** wrk's own user + system CPU (the shell's `times` for its finished child), µs. */
  cpuMicros: number | undefined;
}

const luaString = (value: string): string => JSON.stringify(value);

/** The Lua script: pre-formatted requests, taken in turn, and a JSON summary on exit. */
export function wrkScript(requests: WrkRequest[]): string {
  const lines = [
    'local bodies = {}',
    'local requests = {}',
    'local counter = 0',
    'local function slurp(path)',
    '  local file = assert(io.open(path, "rb"))',
    '  local data = file:read("*a")',
    '  file:close()',
    '  return data',
    'end',
  ];
  requests.forEach((request, index) => {
    const headers = Object.entries(request.headers)
      .map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`)
      .join(', ');
    lines.push(`bodies[${index + 1}] = { path = ${luaString(request.path)}, body = slurp(${luaString(request.bodyFile)}), headers = { ${headers} } }`);
  });
  lines.push(
    'function init(args)',
    '  for i, r in ipairs(bodies) do requests[i] = wrk.format("POST", r.path, r.headers, r.body) end',
    'end',
    'function request()',
    '  counter = counter + 1',
    '  return requests[(counter - 1) % #requests + 1]',
    'end',
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"p50":%d,"p99":%d,"mean":%f,"max":%d}\\n\',',
    '    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.status + e.timeout,',
    '    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Reads the `WRK_RESULT {…}` line of wrk's output (latencies are in microseconds). */
export function parseWrkOutput(output: string): WrkResult {
  const line = output.split('\n').find((text) => text.startsWith('WRK_RESULT '));
  if (!line) throw new Error(`wrk printed no result line:\n${output.slice(-2_000)}`);
  const raw = JSON.parse(line.slice('WRK_RESULT '.length)) as WrkJson;
  const durationMs = raw.duration_us / 1_000;
  return {
    requests: raw.requests,
    durationMs,
    requestsPerSecond: durationMs > 0 ? raw.requests / (durationMs / 1_000) : 0,
    errors: raw.errors,
    latencyMs: { p50: raw.p50 / 1_000, p99: raw.p99 / 1_000, mean: raw.mean / 1_000, max: raw.max / 1_000 },
    bytes: raw.bytes,
    cpuMicros: undefined,
  };
}

/** The children line of the shell's `times` (`0m1.230000s 0m0.450000s`), in µs. */
export function parseTimes(stderr: string): number | undefined {
  const lines = stderr.trim().split('\n');
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '');
  if (!match) return undefined;
  return Math.round((Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4])) * 1_000_000);
}

export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const script = join(options.workDir, `wrk-${process.pid}-${Date.now()}.lua`);
  writeFileSync(script, wrkScript(options.requests));
  // Through sh so its `times` reports wrk's CPU after it exits (a finished process has no /proc).
  const args = [
    '-c',
    'taskset -c "$0" wrk "$@"; status=$?; times >&2; exit $status',
    options.cpus ?? '0',
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    `--timeout`,
    `${options.timeoutSeconds ?? 10}s`,
    '-s',
    script,
    options.origin,
  ];
  return new Promise((resolve, reject) => {
    execFile('sh', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message}\n${stdout}${stderr}`));
      else {
        try {
          resolve({ ...parseWrkOutput(stdout), cpuMicros: parseTimes(stderr) });
        } catch (parseError) {
          reject(parseError);
        }
      }
    });
  });
}
