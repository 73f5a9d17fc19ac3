import { log } from '../core/log.ts';
import type { MemoryResponseCache } from './memory/memory-response-cache.ts';
import type { ResponseCacheStore } from './response-cache-store.ts';

/**
 * The in-process LRU in front of a shared store (SQLite, or Redis with coordination): reads try
 * memory first and fill it from the shared store; writes go to both. A shared store that fails
 * turns a read into a miss and a write into a log line (the cache is an optimisation).
 */
export class TieredResponseCache implements ResponseCacheStore {
  constructor(
    readonly memory: MemoryResponseCache,
    private readonly shared: ResponseCacheStore | undefined,
  ) {}

  async get(key: string, now: number): Promise<string | undefined> {
    const local = this.memory.read(key, now);
    if (local !== undefined || !this.shared) return local;
    try {
      const value = await this.shared.get(key, now);
      // The shared store does not tell the expiry; memory keeps the copy for at most a minute.
      if (value !== undefined) this.memory.write(key, value, now + 60_000);
      return value;
    } catch (error) {
      log.warn(`cache: shared store read failed, answered as a miss: ${(error as Error).message}`);
      return undefined;
    }
  }

  async put(key: string, value: string, expiresAt: number): Promise<void> {
    this.memory.write(key, value, expiresAt);
    if (!this.shared) return;
    try {
      await this.shared.put(key, value, expiresAt);
    } catch (error) {
      log.warn(`cache: shared store write failed: ${(error as Error).message}`);
    }
  }
}
