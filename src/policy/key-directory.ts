import type { KeyConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import type { VirtualKeyRecord, VirtualKeyStore } from '../store/virtual-key-store.ts';
import { hashKey, hashesEqual } from '../core/hash-key.ts';

/**
 * Every key the gateway accepts: the ones declared in config (a reload builds a new directory) and the ones
 * made at run time (in the store). Stored keys are read from the store on every request, with
 * no cache, so a revocation or expiry is a 401 on the very next call.
 *
 * Invariants:
 * - Anonymous calls are allowed only while no key exists anywhere. Stored records are never
 *   deleted, so once one exists auth stays on for good, even if every key is later revoked.
 * - Config keys win: a stored key whose name a config key also uses is not accepted.
 */
export class KeyDirectory {
  private readonly configByHash = new Map<string, KeyConfig>();
  private readonly configByName = new Map<string, KeyConfig>();
  /** Monotonic: false only until a stored key has been seen (records are never deleted). */
  private storeHasKeys = false;

  constructor(
    configKeys: readonly KeyConfig[],
    private readonly store: VirtualKeyStore,
  ) {
    for (const key of configKeys) {
      this.configByHash.set(key.hash, key);
      this.configByName.set(key.name, key);
    }
  }

  /**
   * True when calls need a key, as far as known without I/O: config keys, or a stored key
   * already seen. `authenticate` never relies on this; use `isRequired()` for a fresh answer.
   */
  get required(): boolean {
    return this.configByHash.size > 0 || this.storeHasKeys;
  }

  async isRequired(): Promise<boolean> {
    if (!this.required) this.storeHasKeys = await this.store.hasAny();
    return this.required;
  }

  /** The config keys, in config order (read-only through the admin API). */
  get configKeys(): KeyConfig[] {
    return [...this.configByName.values()];
  }

  configKey(name: string): KeyConfig | undefined {
    return this.configByName.get(name);
  }

  async authenticate(secret: string | undefined, now = new Date()): Promise<KeyConfig | undefined> {
    if (!(await this.isRequired())) return undefined;
    if (!secret) throw unauthorized('No API key was provided. Send it as a Bearer token (or x-api-key / x-goog-api-key).');
    const hash = hashKey(secret);
    const configKey = this.configByHash.get(hash);
    if (configKey && hashesEqual(configKey.hash, hash)) return checkExpiry(configKey, now);

    const record = await this.store.findByHash(hash);
    if (!record || !hashesEqual(record.hash, hash)) throw unauthorized('Incorrect API key provided.');
    if (record.revokedAt) throw unauthorized(`The API key "${record.name}" has been revoked.`);
    if (this.configByName.has(record.name)) {
      throw unauthorized(`The API key "${record.name}" is no longer valid: the gateway config declares a key with the same name.`);
    }
    return checkExpiry(keyConfigOf(record), now);
  }
}

/** A stored record as the `KeyConfig` the rest of the gateway uses. */
export function keyConfigOf(record: VirtualKeyRecord): KeyConfig {
  const key: KeyConfig = { name: record.name, hash: record.hash, tags: [...record.tags], aliases: { ...record.aliases } };
  if (record.team !== undefined) key.team = record.team;
  if (record.user !== undefined) key.user = record.user;
  if (record.modelsAllowed !== undefined) key.modelsAllowed = [...record.modelsAllowed];
  if (record.budget !== undefined) key.budget = { ...record.budget };
  if (record.rateLimit !== undefined) key.rateLimit = { ...record.rateLimit };
  if (record.expiresAt !== undefined) key.expiresAt = new Date(record.expiresAt);
  return key;
}

function checkExpiry(key: KeyConfig, now: Date): KeyConfig {
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) throw unauthorized(`The API key "${key.name}" has expired.`);
  return key;
}

function unauthorized(message: string): GatewayError {
  return new GatewayError({ code: 'policy_invalid_api_key', message });
}
