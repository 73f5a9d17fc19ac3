import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';

export interface TestGateway extends RunningGateway {
  dataDir: string;
}

/** Starts a real gateway on a free loopback port with its own SQLite file. */
export async function startTestGateway(yaml: string, env: NodeJS.ProcessEnv = {}, options: { random?: () => number } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const withStorage = /^storage:/m.test(yaml) ? yaml : `${yaml}\nstorage: { url: "sqlite:${join(dataDir, 'switchyard.db')}" }\n`;
  const config = parseConfigText(withStorage, { env, source: 'test', cwd: dataDir });
  const running = await startGateway(config, { host: '127.0.0.1', port: 0, ...options });
  return { ...running, dataDir };
}
