import type { KeyConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { hashKey, hashesEqual } from './hash-key.ts';

/**
 * The virtual keys the gateway accepts, by hash. Lookup hashes the presented secret and
 * compares hashes in constant time; the secret itself is never stored.
 */
export class KeyRing {
  private readonly byHash = new Map<string, KeyConfig>();

  constructor(keys: readonly KeyConfig[]) {
    for (const key of keys) this.byHash.set(key.hash, key);
  }

  /** True when model calls need a client key at all. */
  get required(): boolean {
    return this.byHash.size > 0;
  }

  authenticate(secret: string | undefined, now = new Date()): KeyConfig | undefined {
    if (!this.required) return undefined;
    if (!secret) throw unauthorized('No API key was provided. Send it as a Bearer token (or x-api-key / x-goog-api-key).');
    const hash = hashKey(secret);
    const key = this.byHash.get(hash);
    if (!key || !hashesEqual(key.hash, hash)) throw unauthorized('Incorrect API key provided.');
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) throw unauthorized(`The API key "${key.name}" has expired.`);
    return key;
  }
}

function unauthorized(message: string): GatewayError {
  return new GatewayError({ code: 'policy_invalid_api_key', message });
}
