import { defaultCache, mergeCache, type CacheConfig } from '../../config/cache-config.ts';
import type { KeyConfig, RuntimeConfig } from '../../config/runtime-config.ts';
import { cacheScope } from './response-cache-key.ts';

const off: CacheConfig = { ...defaultCache, mode: 'off' };

/**
 * The response cache settings for a request: the top-level block, then the requested model
 * alias, then the key's team, then the key (the most specific wins, field by field: a key's
 * `mode` beats its model's). When no block anywhere turns the cache on this is one check.
 */
export function cacheFor(config: Pick<RuntimeConfig, 'cache' | 'models'>, key: KeyConfig | undefined, alias: string | null): CacheConfig {
  const cache = config.cache;
  // A stored key (admin API) may turn the cache on where no config block does.
  const keyOn = key?.cache?.mode !== undefined && key.cache.mode !== 'off';
  if (!cache?.anyOn && !keyOn) return off;
  if (!cache) return mergeCache(defaultCache, key?.cache);
  const team = key?.team === undefined ? undefined : cache.teams[key.team];
  const model =
    alias === null ? undefined : (config.models[alias] ?? Object.values(config.models).find((entry) => entry.alias.toLowerCase() === alias.toLowerCase()));
  return mergeCache(cache.defaults, model?.cache, team, key?.cache);
}

/** Whose OpenAI prompt-cache routing a `prompt_cache_key` names: the key, or its team under `cache.scope: team`. */
export function promptCacheScope(config: Pick<RuntimeConfig, 'cache'>, key: KeyConfig | undefined): string {
  const scope = key?.cache?.scope ?? (key?.team === undefined ? undefined : config.cache?.teams[key.team]?.scope) ?? config.cache?.defaults.scope ?? 'key';
  return cacheScope(key, scope);
}
