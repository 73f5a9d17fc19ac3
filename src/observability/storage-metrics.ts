import { Gauge, type Registry } from 'prom-client';
import type { Storage } from '../store/ports.ts';

/**
 * Storage series on the gateway's registry, read from the backend when `/metrics` is scraped:
 * the outbox depth (log and ledger rows accepted but not yet in the store, in memory or in the
 * outbox / spill file) and, for a pooled backend (Postgres), the pool's connections and the
 * calls waiting for one.
 */
export function registerStorageMetrics(registry: Registry, storage: Storage): void {
  const stats = storage.stats?.bind(storage);
  if (!stats) return;
  new Gauge({
    name: 'switchyard_storage_outbox_rows',
    help: 'Log and ledger rows accepted but not yet written to storage (queued in memory or kept in the outbox file).',
    labelNames: ['backend'],
    registers: [registry],
    collect() {
      this.set({ backend: storage.kind }, stats().outboxRows);
    },
  });
  if (!stats().pool) return;
  const poolGauge = (name: string, help: string, read: (pool: { total: number; idle: number; waiting: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['backend'],
      registers: [registry],
      collect() {
        const pool = stats().pool;
        if (pool) this.set({ backend: storage.kind }, read(pool));
      },
    });
  poolGauge('switchyard_storage_pool_connections', 'Open connections in the storage pool.', (pool) => pool.total);
  poolGauge('switchyard_storage_pool_idle_connections', 'Storage pool connections open but not in use.', (pool) => pool.idle);
  poolGauge('switchyard_storage_pool_waiting', 'Storage calls waiting for a pool connection.', (pool) => pool.waiting);
}
