import type { CacheConfigFile, TopLevelCacheConfigFile } from './cache-schema.ts';

export type CacheMode = 'off' | 'respect' | 'force';

/** The response cache settings in force for one request (defaults filled in). */
export interface CacheConfig {
  mode: CacheMode;
  ttlSeconds: number;
  scope: 'key' | 'team';
  promptCaching: boolean;
}

/** A key's, team's or model's override: only the fields it names. */
export type CacheOverride = Partial<CacheConfig>;

/** Process-wide cache settings (top-level block only). */
export interface CacheStoreConfig {
  memoryMaxBytes: number;
  maxEntryBytes: number;
  store: 'memory' | 'shared';
  semantic?: { model: string; threshold: number };
}

export const defaultCache: CacheConfig = { mode: 'off', ttlSeconds: 3600, scope: 'key', promptCaching: true };

export function buildCacheOverride(file: CacheConfigFile | undefined): CacheOverride | undefined {
  if (!file) return undefined;
  const out: CacheOverride = {};
  if (file.mode !== undefined) out.mode = file.mode;
  if (file.ttl_s !== undefined) out.ttlSeconds = file.ttl_s;
  if (file.scope !== undefined) out.scope = file.scope;
  if (file.prompt_caching !== undefined) out.promptCaching = file.prompt_caching;
  return out;
}

export function buildCacheStoreConfig(file: TopLevelCacheConfigFile | undefined): CacheStoreConfig {
  return {
    memoryMaxBytes: file?.memory_max_bytes ?? 64 * 1024 * 1024,
    maxEntryBytes: file?.max_entry_bytes ?? 4 * 1024 * 1024,
    store: file?.store ?? 'shared',
    ...(file?.semantic ? { semantic: { model: file.semantic.model, threshold: file.semantic.threshold } } : {}),
  };
}

/** An override in the config file's spelling (what the admin API shows, so what you POST is what you GET). */
export function cacheFileOf(override: CacheOverride): CacheConfigFile {
  const out: CacheConfigFile = {};
  if (override.mode !== undefined) out.mode = override.mode;
  if (override.ttlSeconds !== undefined) out.ttl_s = override.ttlSeconds;
  if (override.scope !== undefined) out.scope = override.scope;
  if (override.promptCaching !== undefined) out.prompt_caching = override.promptCaching;
  return out;
}

/** Layers overrides over a base, later ones winning (global < team < key < model). */
export function mergeCache(base: CacheConfig, ...overrides: (CacheOverride | undefined)[]): CacheConfig {
  let out = base;
  for (const override of overrides) if (override) out = { ...out, ...override };
  return out;
}
