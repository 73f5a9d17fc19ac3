import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { GatewayError } from '../../../src/core/errors.ts';
import { handleMetrics, handleObservabilityAdmin, type SpendRollupSource } from '../../../src/http/admin/observability-routes.ts';
import { migrateSqlite } from '../../../src/store/sqlite/migrations.ts';
import { requestLogMigrations } from '../../../src/store/sqlite/request-log-migrations.ts';
import { SqliteRequestLogStore } from '../../../src/store/sqlite/request-log-store.ts';
import type { GatewayMetrics } from '../../../src/observability/metrics.ts';

export const testMasterKey = 'master-key-for-observability-tests';

export interface ObservabilityAdminServer {
  url: string;
  logs: SqliteRequestLogStore;
  /** Every request path the server saw, in order (the CLI tests check what was asked). */
  seen: string[];
  close(): Promise<void>;
}

/** A real node:http server: /admin/logs and /admin/spend over a real SQLite request log, /metrics when given. */
export async function startObservabilityAdminServer(options: { spend?: SpendRollupSource; metrics?: GatewayMetrics } = {}): Promise<ObservabilityAdminServer> {
  const database = new Database(':memory:');
  migrateSqlite(database, requestLogMigrations);
  const logs = new SqliteRequestLogStore(database);
  const seen: string[] = [];
  const authorize = (request: { headers: Record<string, string | string[] | undefined> }): void => {
    if (request.headers['authorization'] !== `Bearer ${testMasterKey}`) {
      throw new GatewayError({ code: 'policy_invalid_api_key', message: 'Incorrect master key.' });
    }
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    seen.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/metrics' && options.metrics) return void handleMetrics(options.metrics, response);
    const context = options.spend ? { logs, spend: options.spend, authorize } : { logs, authorize };
    handleObservabilityAdmin(context, request, response, url).then(
      (handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'text/plain' }).end('not observability');
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await logs.flush();
      database.close();
    },
  };
}
