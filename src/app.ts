import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import type { RuntimeConfig } from './config/runtime-config.ts';
import { ConfigError } from './config/config-error.ts';
import { setLogLevel } from './core/log.ts';
import { createHttpServer } from './http/server.ts';
import { closeResponsesWebSockets } from './http/responses-websocket.ts';
import { Gateway, type ReloadResult } from './pipeline/gateway.ts';
import { log } from './core/log.ts';
import { openStorage } from './store/open-storage.ts';
import { openCoordination } from './store/redis/open-coordination.ts';

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  server: Server;
  /**
   * Re-reads the config (SIGHUP, `POST /admin/reload`) and swaps it in, logging one line with
   * what changed. A config that cannot be used throws its ConfigError and changes nothing.
   */
  reload(): ReloadResult;
  /** Stop accepting, let in-flight requests finish (bounded), flush logs, close storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  host?: string;
  port?: number;
  random?: () => number;
  /** Where a reload reads the config from (the CLI passes its lookup); without it, reload is unavailable. */
  loadConfig?: () => RuntimeConfig;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Builds and starts a gateway. Nothing happens at import time; tests call this directly. */
export async function startGateway(config: RuntimeConfig, listen: StartOptions = {}): Promise<RunningGateway> {
  const host = listen.host ?? config.server.host;
  const port = listen.port ?? config.server.port;
  checkServable(config, host);
  setLogLevel(config.logging.level);
  // hostname:port is stable across restarts and unique among instances on one host; port 0 is neither.
  const instanceId = config.storage.instanceId ?? (port === 0 ? undefined : `${hostname()}:${port}`);
  const storage = await openStorage(config.storage.url, {
    outboxDir: config.storage.outboxDir ?? resolve('.switchyard'),
    ...(instanceId ? { instanceId } : {}),
  });
  const coordination = config.coordination ? await openCoordination(config.coordination) : undefined;
  const gateway = new Gateway(config, storage, {
    ...(listen.random ? { random: listen.random } : {}),
    ...(instanceId ? { instanceId } : {}),
    ...(coordination ? { coordination } : {}),
  });
  const server = createHttpServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  gateway.start();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const load = listen.loadConfig;
  const apply = (): ReloadResult => {
    if (!load) throw new ConfigError('reload: this gateway was started without a config source to re-read');
    try {
      const next = load();
      // The same refusals as at start: a reload must not open a public listener to anyone.
      checkServable(next, host);
      const result = gateway.reload(next);
      setLogLevel(next.logging.level);
      server.headersTimeout = next.server.headersTimeoutMs;
      server.requestTimeout = next.server.requestTimeoutMs;
      log.info(`config reloaded from ${next.source}: ${result.summary}`);
      for (const warning of next.warnings) log.warn(`switchyard: warning: ${warning}`);
      return result;
    } catch (error) {
      if (error instanceof ConfigError) log.error(`config reload refused, still serving the previous config: ${error.message}`);
      throw error;
    }
  };
  // A reload made here reaches every instance (each re-reads its own config source).
  const reload = (): ReloadResult => {
    const result = apply();
    void gateway.coordination?.publish({ type: 'config-reloaded' });
    return result;
  };
  if (load) {
    gateway.reloadFromSource = reload;
    gateway.onRemoteReload = apply;
  }
  return {
    url: `http://${shownHost}:${address.port}`,
    gateway,
    server,
    reload,
    close: () => (closing ??= drain(server, gateway, gateway.config.server.drainTimeoutMs)),
  };
}

/** What makes a valid config unusable for this listener; checked at start and on every reload. */
export function checkServable(config: RuntimeConfig, host: string): void {
  if (!isLoopback(host) && config.keys.length === 0) {
    throw new ConfigError(
      `refusing to listen on ${host}: no client keys are configured, so anyone who can reach it could spend your provider keys`,
      'add keys: to the config, or bind 127.0.0.1',
    );
  }
}

async function drain(server: Server, gateway: Gateway, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + timeoutMs;
  while (gateway.inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    server.closeIdleConnections();
  }
  // Upgraded sockets are not the server's connections any more: closed here, after their frames finished.
  closeResponsesWebSockets(server);
  server.closeAllConnections();
  await closed;
  await gateway.close();
}
