/**
 * A 20-turn Codex tool loop through Switchyard to a strict Claude emulator, over HTTP (every
 * turn resends the whole history, as Codex does) and over the Responses WebSocket (a warm-up,
 * then each turn sends `previous_response_id` and only its new items), with the request body
 * Codex 0.169 really sends (bench/fixtures/codex-request.json) and the frame shapes of
 * test/fixtures/codex-websocket/. Measured per run: bytes the client sent (payload and on the
 * wire), the gateway process's CPU per turn, and the wall time per turn. Sessions alternate
 * (http, ws, http, ws, …) so drift hits both; medians are reported (CPU: the mean, its ticks
 * are coarse), and the ratios ws ÷ http. The WebSocket's time includes its connect and warm-up.
 *
 *   node --import tsx bench/websocket-loop.ts [--sessions 5]
 *
 * Writes bench/results/websocket-loop.json (websocket-loop-no-deflate.json with BENCH_WS_DEFLATE=0).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { SseDecoder } from '../src/core/sse-decoder.ts';
import { startAnthropicEmulator } from '../test/fakes/anthropic-emulator.ts';
import type { RecordedRequest, Scenario } from '../test/fakes/scenario.ts';
import { startChildServer } from './child-server.ts';
import { processCpuMicros } from './process-cpu.ts';

const TURNS = 20;
const CLIENT_KEY = 'sk-bench-ws-client';
const MODEL = 'bench-claude';
const repoRoot = new URL('..', import.meta.url).pathname;
const sessions = Number(process.argv[process.argv.indexOf('--sessions') + 1]) || 5;
const fixture = JSON.parse(readFileSync(new URL('fixtures/codex-request.json', import.meta.url), 'utf8')) as Record<string, any>;
const headers = JSON.parse(readFileSync(new URL('fixtures/codex-headers.json', import.meta.url), 'utf8')) as Record<string, string>;
/** What a shell command printed, about the size of a short `ls -la` or test run. */
const toolOutput = `Chunk ID: 1a2b3c\nWall time: 0.0100 seconds\nProcess exited with code 0\nOutput:\n${'-rw-r--r-- 1 dev dev  1234 Dec  2 10:00 file.ts\n'.repeat(30)}`;

const toolResults = (request: RecordedRequest): number =>
  (request.body?.messages ?? [])
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result').length;

interface RunResult {
  mode: 'http' | 'ws';
  payloadBytes: number;
  wireBytes: number;
  gatewayCpuUsPerTurn: number;
  msPerTurn: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function turnBody(input: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixture, model: MODEL, input, ...extra };
}

/** The next turn's items after an answer: its output, then the output of the tool it called. */
function nextItems(output: Array<Record<string, any>>): unknown[] {
  const call = output.find((item) => item.type === 'function_call');
  if (!call) return [];
  return [{ type: 'function_call_output', call_id: call.call_id, output: toolOutput }];
}

async function httpSession(baseUrl: string, pid: number): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let payloadBytes = 0;
  let wireBytes = 0;
  let history: unknown[] = [...fixture.input];
  const post = (body: string) =>
    new Promise<Array<Record<string, any>>>((resolve, reject) => {
      payloadBytes += Buffer.byteLength(body);
      const request = httpRequest(
        `${baseUrl}/v1/responses`,
        { method: 'POST', agent, headers: { ...headers, authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' } },
        (response) => {
          const decoder = new SseDecoder();
          let output: Array<Record<string, any>> | undefined;
          response.on('data', (chunk: Buffer) => {
            for (const event of decoder.push(chunk)) if (event.data.includes('"response.completed"')) output = JSON.parse(event.data).response.output;
          });
          response.on('end', () => {
            wireBytes = request.socket?.bytesWritten ?? wireBytes;
            if (response.statusCode !== 200 || !output) reject(new Error(`HTTP ${response.statusCode}: no response.completed`));
            else resolve(output);
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const cpuBefore = processCpuMicros(pid) ?? 0;
  const started = performance.now();
  for (let turn = 0; turn < TURNS; turn++) {
    const output = await post(JSON.stringify(turnBody(history)));
    history = [...history, ...output, ...nextItems(output)];
  }
  const elapsed = performance.now() - started;
  const cpu = (processCpuMicros(pid) ?? 0) - cpuBefore;
  agent.destroy();
  return { mode: 'http', payloadBytes, wireBytes, gatewayCpuUsPerTurn: cpu / TURNS, msPerTurn: elapsed / TURNS };
}

async function wsSession(baseUrl: string, pid: number): Promise<RunResult> {
  const cpuBefore = processCpuMicros(pid) ?? 0;
  const started = performance.now();
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/v1/responses`, {
    headers: { ...headers, authorization: `Bearer ${CLIENT_KEY}`, 'openai-beta': 'responses_websockets=2026-02-06' },
    perMessageDeflate: process.env.BENCH_WS_DEFLATE !== '0',
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let payloadBytes = 0;
  let waiting: ((response: Record<string, any>) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as Record<string, any>;
    if (event.type === 'response.completed') waiting?.(event.response);
    else if (event.type === 'error' || event.type === 'response.failed') failed?.(new Error(String(data)));
  });
  const send = (frame: Record<string, unknown>) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      waiting = resolve;
      failed = reject;
      const text = JSON.stringify({ type: 'response.create', ...frame });
      payloadBytes += Buffer.byteLength(text);
      socket.send(text);
    });
  const developer = fixture.input.filter((item: { role?: string }) => item.role === 'developer');
  const rest = fixture.input.filter((item: { role?: string }) => item.role !== 'developer');
  let previous = (await send(turnBody(developer, { generate: false }))).id as string;
  let items: unknown[] = rest;
  for (let turn = 0; turn < TURNS; turn++) {
    const response = await send(turnBody(items, { previous_response_id: previous }));
    previous = response.id;
    items = nextItems(response.output);
  }
  const elapsed = performance.now() - started;
  const cpu = (processCpuMicros(pid) ?? 0) - cpuBefore;
  const wireBytes = (socket as unknown as { _socket: { bytesWritten: number } })._socket.bytesWritten;
  socket.close();
  return { mode: 'ws', payloadBytes, wireBytes, gatewayCpuUsPerTurn: cpu / TURNS, msPerTurn: elapsed / TURNS };
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-ws-'));
  const emulator = await startAnthropicEmulator({
    respond: (request): Scenario =>
      toolResults(request) < TURNS - 1
        ? { toolCalls: [{ name: 'exec_command', arguments: { cmd: `ls -la step-${toolResults(request)}` } }], usage: { input: 5000, output: 30 } }
        : { text: 'All steps done.', usage: { input: 9000, output: 10 } },
  });
  const configFile = join(workDir, 'switchyard.yaml');
  writeFileSync(
    configFile,
    [
      'providers:',
      `  anthro: { type: anthropic, base_url: "${emulator.url}", api_key: sk-ant-upstream-test }`,
      'models:',
      `  ${MODEL}: { provider: anthro, model: claude-sonnet-4-5 }`,
      'keys:',
      `  - { name: bench, key: ${CLIENT_KEY} }`,
      `storage: { url: "sqlite:${join(workDir, 'bench.db')}" }`,
      'logging: { level: warn }',
      '',
    ].join('\n'),
  );
  const gateway = await startChildServer({
    name: 'switchyard',
    command: process.execPath,
    args: [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--import',
      'tsx',
      'src/main.ts',
      'start',
      '--config',
      configFile,
      '--port',
      '0',
    ],
    cwd: repoRoot,
    logFile: join(workDir, 'switchyard.log'),
    ignorePorts: [Number(new URL(emulator.url).port)],
    startTimeoutMs: 30_000,
  });
  const results: RunResult[] = [];
  try {
    // One unmeasured session each: JIT and connection pools warm.
    await httpSession(gateway.url, gateway.pid);
    await wsSession(gateway.url, gateway.pid);
    // BENCH_ONLY=http|ws runs one mode (for a CPU profile of it, with BENCH_CPU_PROF=<dir>).
    const only = process.env.BENCH_ONLY;
    for (let index = 0; index < sessions; index++) {
      if (only !== 'ws') results.push(await httpSession(gateway.url, gateway.pid));
      if (only !== 'http') results.push(await wsSession(gateway.url, gateway.pid));
    }
  } finally {
    await gateway.stop();
    await emulator.close();
  }
  const summary = (mode: 'http' | 'ws') => {
    const runs = results.filter((result) => result.mode === mode);
    return {
      clientPayloadBytes: median(runs.map((run) => run.payloadBytes)),
      clientWireBytes: median(runs.map((run) => run.wireBytes)),
      // CPU is read in clock ticks (10 ms): the mean over every session is finer than any one session's.
      gatewayCpuUsPerTurn: Math.round(runs.reduce((sum, run) => sum + run.gatewayCpuUsPerTurn, 0) / runs.length),
      msPerTurn: Math.round(median(runs.map((run) => run.msPerTurn)) * 100) / 100,
    };
  };
  const http = summary('http');
  const ws = summary('ws');
  const ratio = (key: keyof typeof http) => Math.round((ws[key] / http[key]) * 1000) / 1000;
  const report = {
    measuredAt: new Date().toISOString(),
    turns: TURNS,
    sessions,
    upstream: 'Anthropic emulator (test/fakes), Claude alias',
    // The client offers permessage-deflate as Codex does; BENCH_WS_DEFLATE=0 measures without.
    deflate: process.env.BENCH_WS_DEFLATE !== '0',
    http,
    ws,
    ratioWsOverHttp: {
      clientPayloadBytes: ratio('clientPayloadBytes'),
      clientWireBytes: ratio('clientWireBytes'),
      gatewayCpuUsPerTurn: ratio('gatewayCpuUsPerTurn'),
      msPerTurn: ratio('msPerTurn'),
    },
    runs: results,
  };
  const file = report.deflate ? 'results/websocket-loop.json' : 'results/websocket-loop-no-deflate.json';
  writeFileSync(new URL(file, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify({ http, ws, ratioWsOverHttp: report.ratioWsOverHttp }, null, 2));
  rmSync(workDir, { recursive: true, force: true });
}

await main();
