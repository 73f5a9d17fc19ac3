import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { RuntimeConfig } from './config/runtime-config.ts';
import { ConfigError } from './config/config-error.ts';
import { setLogLevel } from './core/log.ts';
import { createHttpServer } from './http/server.ts';
import { Gateway } from './pipeline/gateway.ts';
import { openStorage } from './store/open-storage.ts';

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  server: Server;
  /** Stop accepting, let in-flight requests finish (bounded), flush logs, close storage. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Builds and starts a gateway. Nothing happens at import time; tests call this directly. */
export async function startGateway(config: RuntimeConfig, listen: { host?: string; port?: number; random?: () => number } = {}): Promise<RunningGateway> {
  const host = listen.host ?? config.server.host;
  const port = listen.port ?? config.server.port;
  if (!isLoopback(host) && config.keys.length === 0) {
    throw new ConfigError(
      `refusing to listen on ${host}: no client keys are configured, so anyone who can reach it could spend your provider keys`,
      'add keys: to the config, or bind 127.0.0.1',
    );
  }
  if (config.coordination) {
    // Silently ignoring it would let every instance enforce budgets and limits on its own.
    throw new ConfigError(
      'coordination.url: Redis coordination is not available in this version, so budgets and rate limits would not be shared',
      'remove coordination: and run one instance, or wait for the scale-out release',
    );
  }
  setLogLevel(config.logging.level);
  const storage = await openStorage(config.storage.url);
  // hostname:port is stable across restarts and unique among instances on one host; port 0 is neither.
  const instanceId = config.storage.instanceId ?? (port === 0 ? undefined : `${hostname()}:${port}`);
  const gateway = new Gateway(config, storage, { ...(listen.random ? { random: listen.random } : {}), ...(instanceId ? { instanceId } : {}) });
  const server = createHttpServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  gateway.start();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    gateway,
    server,
    close: () => (closing ??= drain(server, gateway, config.server.drainTimeoutMs)),
  };
}

async function drain(server: Server, gateway: Gateway, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + timeoutMs;
  while (gateway.inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    server.closeIdleConnections();
  }
  server.closeAllConnections();
  await closed;
  await gateway.close();
}
