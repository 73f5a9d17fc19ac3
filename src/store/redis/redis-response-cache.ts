import type { ResponseCacheStore } from '../response-cache-store.ts';
import type { RedisCoordination } from './redis-coordination.ts';

/**
 * The response cache shared by every instance (with `coordination:`): one Redis string per entry
 * under `<prefix>cache:<key>`, expiring with the entry (`PX`), so Redis evicts it itself.
 */
export class RedisResponseCache implements ResponseCacheStore {
  constructor(private readonly coordination: RedisCoordination) {}

  private redisKey(key: string): string {
    return `${this.coordination.keyPrefix}cache:${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.coordination.commands.get(this.redisKey(key))) ?? undefined;
  }

  async put(key: string, value: string, expiresAt: number): Promise<void> {
    const ttlMs = Math.max(1, expiresAt - Date.now());
    await this.coordination.commands.set(this.redisKey(key), value, 'PX', ttlMs);
  }
}
