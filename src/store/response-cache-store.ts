/**
 * The exact response cache's storage (docs/decisions/0012): opaque keys (hashes the pipeline
 * computes, tenant scope included) to serialized answers. A store may drop entries at any time
 * (memory bounds, expiry); a read that fails is a miss, never an error for the client.
 */
export interface ResponseCacheStore {
  /** The value stored under `key`, unless it expired at `now` (epoch ms). */
  get(key: string, now: number): Promise<string | undefined>;
  /** Stores `value` under `key` until `expiresAt` (epoch ms), replacing what was there. */
  put(key: string, value: string, expiresAt: number): Promise<void>;
}
