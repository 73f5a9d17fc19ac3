import { parseArgs } from 'node:util';
import { startGateway } from '../app.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { providerDescriptor, providerTypes } from '../providers/registry.ts';

/** `switchyard start [--config FILE] [--port N] [--host H]` */
export async function runStart(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    strict: true,
  });
  const lookup = values.config === undefined ? {} : { configPath: values.config };
  const config = loadConfig(lookup);
  const listen: { host?: string; port?: number } = {};
  if (values.host) listen.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number`);
    listen.port = port;
  }
  // A reload reads the same place again (the file, or the environment when there is none).
  const running = await startGateway(config, { ...listen, loadConfig: () => loadConfig(lookup) });
  console.log(startLine(running.url, config));
  for (const warning of config.warnings) console.warn(`switchyard: warning: ${warning}`);
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
  // SIGHUP re-reads the config; a refused one is logged (by reload) and the running one stays.
  process.on('SIGHUP', () => {
    try {
      running.reload();
    } catch (error) {
      if (!(error instanceof ConfigError)) console.error('reload failed', error);
    }
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The one line printed once listening; with no provider it says how to add one. */
export function startLine(url: string, config: RuntimeConfig): string {
  const providers = Object.keys(config.providers);
  const line = `Switchyard listening on ${url} (config: ${config.source}; providers: ${providers.join(', ') || 'none'})`;
  if (providers.length > 0) return line;
  const variables = providerTypes.flatMap((type) => (providerDescriptor(type).fromEnvironment ? providerDescriptor(type).keyEnv : []));
  return `${line}: no provider configured, so every model request will fail. Set ${variables.join(', ')} and restart, or add a providers: section to the config and send SIGHUP`;
}
