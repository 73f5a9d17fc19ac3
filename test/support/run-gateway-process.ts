import { readFileSync } from 'node:fs';
import { startGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';

/**
 * Test helper process: one gateway in its own OS process (so a test can kill -9 it). Reads the
 * YAML from SWITCHYARD_TEST_CONFIG, or from the file SWITCHYARD_TEST_CONFIG_FILE (which a
 * reload then re-reads), and prints `listening <url>` once it serves.
 */
const file = process.env['SWITCHYARD_TEST_CONFIG_FILE'];
const read = () => (file ? readFileSync(file, 'utf8') : process.env['SWITCHYARD_TEST_CONFIG']);
const parse = () => {
  const yaml = read();
  if (!yaml) throw new Error('SWITCHYARD_TEST_CONFIG is not set');
  return parseConfigText(yaml, { env: {}, source: file ?? 'test', cwd: process.cwd() });
};
const running = await startGateway(parse(), { host: '127.0.0.1', port: 0, ...(file ? { loadConfig: parse } : {}) });
process.stdout.write(`listening ${running.url}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
