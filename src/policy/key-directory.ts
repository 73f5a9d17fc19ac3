import type { KeyConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { log } from '../core/log.ts';
import type { VirtualKeyRecord, VirtualKeyStore } from '../store/virtual-key-store.ts';
import { hashKey, hashesEqual } from '../core/hash-key.ts';

/**
 * Every key the gateway accepts: the ones declared in config (a reload builds a new directory) and the ones
 * made at run time (in the store). Stored keys are looked up through a small cache, so auth
 * never waits on a slow or locked store for a key it has seen:
 *
 * - an answer younger than `freshMs` (1 s) is used as is;
 * - an older one is used at once while a refresh runs in the background (one per key), up to
 *   `maxStaleMs` (60 s); past that, or for a key never seen, the request waits for the store
 *   up to `lookupTimeoutMs` (1 s), then gets 503 `gateway_unavailable` with Retry-After.
 * - `forget()` drops everything: the admin API calls it after every key change, so a
 *   revocation made through this instance is a 401 on the very next call. A revocation made
 *   through another instance on the same store is seen within `freshMs` plus one request (up
 *   to `maxStaleMs` while the store cannot answer); with Redis coordination `forget()` also
 *   tells every other instance (`onKeysChanged`), which drops its cache at once (`dropCached`).
 *
 * Invariants:
 * - Anonymous calls are allowed only while no key exists anywhere. Stored records are never
 *   deleted, so once one exists auth stays on for good, even if every key is later revoked.
 * - Config keys win: a stored key whose name a config key also uses is not accepted.
 */
export interface KeyDirectoryOptions {
  freshMs?: number;
  maxStaleMs?: number;
  lookupTimeoutMs?: number;
  /** Cached answers kept at most (the oldest go first) [10,000]. */
  maxEntries?: number;
  /** Called by `forget()`: tells the other instances (Redis pub/sub) to drop their caches too. */
  onKeysChanged?: () => void;
}

interface Cached<T> {
  value: T;
  at: number;
}

export class KeyDirectory {
  private readonly configByHash = new Map<string, KeyConfig>();
  private readonly configByName = new Map<string, KeyConfig>();
  /** Monotonic: false only until a stored key has been seen (records are never deleted). */
  private storeHasKeys = false;
  private readonly byHash = new Map<string, Cached<VirtualKeyRecord | undefined>>();
  private hasAnyCache: Cached<boolean> | undefined;
  private readonly refreshing = new Map<string, Promise<unknown>>();
  /** Bumped by `forget`: answers fetched before it are not cached. */
  private generation = 0;
  private readonly freshMs: number;
  private readonly maxStaleMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly maxEntries: number;
  private readonly onKeysChanged: (() => void) | undefined;

  constructor(
    configKeys: readonly KeyConfig[],
    private readonly store: VirtualKeyStore,
    options: KeyDirectoryOptions = {},
  ) {
    for (const key of configKeys) {
      this.configByHash.set(key.hash, key);
      this.configByName.set(key.name, key);
    }
    this.freshMs = options.freshMs ?? 1_000;
    this.maxStaleMs = options.maxStaleMs ?? 60_000;
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 1_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.onKeysChanged = options.onKeysChanged;
  }

  /** Drops every cached store answer (after a key was created, changed or revoked here) and tells the other instances. */
  forget(): void {
    this.dropCached();
    this.onKeysChanged?.();
  }

  /** Drops every cached store answer (another instance changed a key, or Redis reconnected). */
  dropCached(): void {
    this.generation++;
    this.byHash.clear();
    this.hasAnyCache = undefined;
  }

  /**
   * True when calls need a key, as far as known without I/O: config keys, or a stored key
   * already seen. `authenticate` never relies on this; use `isRequired()` for a fresh answer.
   */
  get required(): boolean {
    return this.configByHash.size > 0 || this.storeHasKeys;
  }

  async isRequired(): Promise<boolean> {
    if (!this.required) {
      this.storeHasKeys = await this.cached(
        'hasAny',
        this.hasAnyCache,
        () => this.store.hasAny(),
        (entry) => {
          this.hasAnyCache = entry;
        },
      );
    }
    return this.required;
  }

  private findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    return this.cached(
      `hash:${hash}`,
      this.byHash.get(hash),
      () => this.store.findByHash(hash),
      (entry) => {
        this.byHash.delete(hash);
        this.byHash.set(hash, entry);
        if (this.byHash.size > this.maxEntries) this.byHash.delete(this.byHash.keys().next().value!);
      },
    );
  }

  /** Fresh: as is. Stale: as is, refreshed behind. Too old or unknown: from the store, within the lookup deadline. */
  private async cached<T>(id: string, entry: Cached<T> | undefined, load: () => Promise<T>, save: (entry: Cached<T>) => void): Promise<T> {
    const now = Date.now();
    if (entry && now - entry.at < this.freshMs) return entry.value;
    let refresh = this.refreshing.get(id) as Promise<T> | undefined;
    if (!refresh) {
      const generation = this.generation;
      refresh = load().then((value) => {
        if (generation === this.generation) save({ value, at: Date.now() });
        return value;
      });
      const tracked = refresh.finally(() => this.refreshing.delete(id));
      tracked.catch(() => undefined);
      this.refreshing.set(id, tracked);
    }
    if (entry && now - entry.at < this.maxStaleMs) {
      refresh.catch((error: unknown) => log.warn('keys: the key store did not answer a refresh; using the cached answer', error));
      return entry.value;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        refresh,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the key store did not answer within ${this.lookupTimeoutMs} ms`)), this.lookupTimeoutMs);
        }),
      ]);
    } catch (error) {
      throw new GatewayError({
        code: 'gateway_unavailable',
        message: 'The key store is unavailable, so this API key cannot be checked. Please retry shortly.',
        retryAfterSeconds: 1,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
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

    const record = await this.findByHash(hash);
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
  if (record.guardrails !== undefined) key.guardrails = { ...record.guardrails };
  if (record.cache !== undefined) key.cache = { ...record.cache };
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
