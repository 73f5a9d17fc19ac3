import type { Storage } from '../../src/store/ports.ts';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisSpendStore } from '../../src/store/redis/redis-spend-store.ts';
import { withSpendStore } from '../../src/store/with-spend-store.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import type { StoreContractBackend } from './run-store-contract.ts';

/**
 * A contract backend whose budgets are coordinated in Redis (the shared one, under a prefix of
 * this run's own) over the ledger `openLedger` opens: what several instances with
 * `coordination.url` run. Every open (and reopen) gets its own ledger connection and Redis
 * client; `cleanup` closes them all, deletes the prefix, then runs `dropLedger`.
 */
export async function redisCoordinatedBackend(
  prefixName: string,
  openLedger: () => Promise<Storage>,
  dropLedger: () => Promise<void>,
): Promise<StoreContractBackend> {
  const keyPrefix = uniquePrefix(prefixName);
  const opened: Array<{ storage: Storage; redis: RedisCoordination }> = [];
  const open = async () => {
    const storage = await openLedger();
    const redis = new RedisCoordination({ url: sharedRedisUrl, keyPrefix, onUnavailable: 'deny' });
    await redis.connected(5_000);
    opened.push({ storage, redis });
    return withSpendStore(storage, new RedisSpendStore(storage.spend, redis, { reservationTtlMs: 60_000 }));
  };
  const storage = await open();
  return {
    storage,
    reopen: open,
    cleanup: async () => {
      for (const entry of opened) {
        await entry.storage.close().catch(() => undefined);
        await entry.redis.close();
      }
      await deletePrefix(keyPrefix);
      await dropLedger();
    },
  };
}
