import { startGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';

/**
 * Test helper process: one gateway in its own OS process (so a test can kill -9 it). Reads the
 * YAML from SWITCHYARD_TEST_CONFIG, prints `listening <url>` once it serves.
 */
const yaml = process.env['SWITCHYARD_TEST_CONFIG'];
if (!yaml) throw new Error('SWITCHYARD_TEST_CONFIG is not set');
const running = await startGateway(parseConfigText(yaml, { env: {}, source: 'test', cwd: process.cwd() }), { host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${running.url}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
