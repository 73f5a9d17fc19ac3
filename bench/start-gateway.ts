/**
 * Starts Switchyard the way a user does in a child process, pointed at the mock upstream through
 * a throw-away config and SQLite file: `src/main.ts start --config FILE --port 0` through tsx, or
 * with `compiled` the built `bin/switchyard.js` (dist/ is rebuilt first when stale, as `npm start`
 * does), optionally pinned to CPUs with taskset.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from './child-server.ts';

export const GATEWAY_CLIENT_KEY = 'sk-bench-client';

export interface GatewayOptions {
  repoRoot: string;
  workDir: string;
  /** Mock origin, e.g. `http://127.0.0.1:40123`. */
  mockUrl: string;
  upstreamApiKey: string;
  model: string;
  /** Extra node flags, e.g. `--cpu-prof` (see BENCH_CPU_PROF in run.ts). */
  nodeFlags?: string[];
  /** Top-level config lines appended as they are (BENCH_SWITCHYARD_YAML). */
  extraYaml?: string;
  /** Run dist/ (built if stale) instead of src/ through tsx. */
  compiled?: boolean;
  /** `taskset -c` CPU list for the gateway process (all its threads). */
  cpus?: string;
  /**
   * Also the models of the other dialects' cells: `bench-chat` (openai-compatible),
   * `bench-claude` (anthropic), `bench-gemini` (gemini), `bench-paced` (openai, a paced stream).
   */
  dialects?: boolean;
}

export function gatewayConfigYaml(options: GatewayOptions): string {
  return [
    'providers:',
    `  mock: { type: openai, base_url: "${options.mockUrl}/v1", api_key: ${options.upstreamApiKey} }`,
    ...(options.dialects
      ? [
          `  chat: { type: openai-compatible, base_url: "${options.mockUrl}/v1", api_key: ${options.upstreamApiKey} }`,
          `  claude: { type: anthropic, base_url: "${options.mockUrl}", api_key: ${options.upstreamApiKey} }`,
          `  gemini: { type: gemini, base_url: "${options.mockUrl}", api_key: ${options.upstreamApiKey} }`,
        ]
      : []),
    'models:',
    `  ${options.model}: { provider: mock, model: ${options.model} }`,
    ...(options.dialects
      ? [
          `  bench-chat: { provider: chat, model: ${options.model} }`,
          `  bench-claude: { provider: claude, model: ${options.model} }`,
          `  bench-gemini: { provider: gemini, model: ${options.model} }`,
          '  bench-paced: { provider: mock, model: bench-paced }',
        ]
      : []),
    'keys:',
    `  - { name: bench, key: ${GATEWAY_CLIENT_KEY} }`,
    `storage: { url: "sqlite:${join(options.workDir, 'bench.db')}" }`,
    ...(options.extraYaml ? [options.extraYaml] : []),
    '',
  ].join('\n');
}

/** Throws ChildServerError (with the gateway's own output) when it does not come up. */
export async function startGateway(options: GatewayOptions): Promise<ChildServer> {
  const entry = join(options.repoRoot, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist yet`);
  const configFile = join(options.workDir, 'switchyard.bench.yaml');
  writeFileSync(configFile, gatewayConfigYaml(options));
  // Compiled: what an install runs. dist/ is rebuilt first when any source is newer.
  if (options.compiled) execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: options.repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const gateway = [
    process.execPath,
    ...(options.nodeFlags ?? []),
    ...(options.compiled ? ['bin/switchyard.js'] : ['--import', 'tsx', 'src/main.ts']),
    'start',
    '--config',
    configFile,
    '--port',
    '0',
  ];
  const command = options.cpus ? ['taskset', '-c', options.cpus, ...gateway] : gateway;
  return startChildServer({
    name: 'switchyard',
    command: command[0]!,
    args: command.slice(1),
    cwd: options.repoRoot,
    logFile: join(options.workDir, `switchyard-${Date.now()}.log`),
    // The config (with the mock's URL) may be echoed before the listening line.
    ignorePorts: [Number(new URL(options.mockUrl).port)],
    startTimeoutMs: 60_000,
  });
}
