import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { parseConfigText } from '../../../src/config/load-config.ts';
import type { RuntimeConfig } from '../../../src/config/runtime-config.ts';
import { KeyDirectory } from '../../../src/policy/key-directory.ts';
import { migrateSqlite } from '../../../src/store/sqlite/migrations.ts';
import { virtualKeyMigrations } from '../../../src/store/sqlite/virtual-key-migrations.ts';
import { SqliteVirtualKeyStore } from '../../../src/store/sqlite/virtual-key-store.ts';
import { handleAdminRequest } from '../../../src/http/admin/admin-routes.ts';

export const masterKey = 'master-key-for-tests-0001';

/** A config with one provider, two model aliases, and optionally the master key and a config key. */
export function adminTestConfig(options: { master?: boolean; configKey?: boolean } = {}): RuntimeConfig {
  const lines = [
    'providers:',
    '  anthro: { type: anthropic, base_url: "http://127.0.0.1:9", api_key: test }',
    'models:',
    '  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }',
    '  smart: { provider: anthro, model: claude-opus-4-1 }',
    'storage: { url: "sqlite::memory:" }',
  ];
  if (options.master !== false) lines.push('server:', `  master_key: ${masterKey}`);
  if (options.configKey) lines.push('keys:', '  - { name: alice, key: sk-config-alice-0001, team: platform, models_allowed: [smart] }');
  return parseConfigText(lines.join('\n'), { env: {}, source: 'test', cwd: process.cwd() });
}

export interface AdminTestServer {
  url: string;
  config: RuntimeConfig;
  store: SqliteVirtualKeyStore;
  directory: KeyDirectory;
  close(): Promise<void>;
}

/** A real node:http server routing /admin/keys to handleAdminRequest; any other path answers 404 `not admin`. */
export async function startAdminTestServer(config: RuntimeConfig): Promise<AdminTestServer> {
  const database = new Database(':memory:');
  migrateSqlite(database, virtualKeyMigrations);
  const store = new SqliteVirtualKeyStore(database);
  const directory = new KeyDirectory(config.keys, store);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    handleAdminRequest({ config, keys: store, directory }, request, response, url).then(
      (handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'text/plain' }).end('not admin');
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    store,
    directory,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      database.close();
    },
  };
}
