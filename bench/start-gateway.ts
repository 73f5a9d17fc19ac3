/**
 * Starts Switchyard the way a user does (`src/main.ts start --config FILE --port 0`) in a child
 * process, pointed at the mock upstream through a throw-away config and SQLite file.
 */
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
}

export function gatewayConfigYaml(options: GatewayOptions): string {
  return [
    'providers:',
    `  mock: { type: openai, base_url: "${options.mockUrl}/v1", api_key: ${options.upstreamApiKey} }`,
    'models:',
    `  ${options.model}: { provider: mock, model: ${options.model} }`,
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
  return startChildServer({
    name: 'switchyard',
    command: process.execPath,
    args: [...(options.nodeFlags ?? []), '--import', 'tsx', 'src/main.ts', 'start', '--config', configFile, '--port', '0'],
    cwd: options.repoRoot,
    logFile: join(options.workDir, 'switchyard.log'),
    // The config (with the mock's URL) may be echoed before the listening line.
    ignorePorts: [Number(new URL(options.mockUrl).port)],
    startTimeoutMs: 30_000,
  });
}
