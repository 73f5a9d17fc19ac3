import { parseArgs } from 'node:util';
import { startGateway } from '../app.ts';
import { loadConfig } from '../config/load-config.ts';

/** `switchyard start [--config FILE] [--port N] [--host H]` */
export async function runStart(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    strict: true,
  });
  const config = loadConfig(values.config === undefined ? {} : { configPath: values.config });
  const listen: { host?: string; port?: number } = {};
  if (values.host) listen.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number`);
    listen.port = port;
  }
  const running = await startGateway(config, listen);
  const providers = Object.keys(config.providers);
  console.log(`Switchyard listening on ${running.url} (config: ${config.source}; providers: ${providers.join(', ') || 'none'})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining in-flight requests…`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('error while draining', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
