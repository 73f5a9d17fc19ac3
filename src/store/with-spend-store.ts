import type { Storage } from './ports.ts';
import type { SpendStore } from './spend-store.ts';

/** The same storage with another spend store in front of its own (Redis coordination over the durable one). */
export function withSpendStore(storage: Storage, spend: SpendStore): Storage {
  return {
    kind: storage.kind,
    logs: storage.logs,
    keys: storage.keys,
    responses: storage.responses,
    spend,
    ping: () => storage.ping(),
    ...(storage.stats ? { stats: storage.stats.bind(storage) } : {}),
    close: () => storage.close(),
  };
}
