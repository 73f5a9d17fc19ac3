import type { CacheConfig } from '../../config/cache-config.ts';

/** What the cache does for one request: `lookup` may answer from it, `store` keeps a complete answer. */
export type CacheDecision = { kind: 'bypass' } | { kind: 'use'; lookup: boolean; store: boolean; maxAgeMs: number | undefined; ttlMs: number };

const bypass: CacheDecision = { kind: 'bypass' };

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The request's own say (docs/decisions/0012): `x-switchyard-cache: bypass | refresh`;
 * `Cache-Control: no-store` (bypass), `no-cache` or `max-age=0` (refresh: answer fresh, store
 * it), `max-age=N` (an entry at most N s old). `respect` caches only a request that asks with
 * `max-age` or `refresh`; `force` caches every request that does not refuse.
 */
export function cacheDecision(config: CacheConfig, headers: Record<string, string | string[] | undefined>): CacheDecision {
  if (config.mode === 'off') return bypass;
  const own = header(headers, 'x-switchyard-cache')?.trim().toLowerCase();
  if (own === 'bypass') return bypass;
  const ttlMs = config.ttlSeconds * 1000;
  const directives = (header(headers, 'cache-control') ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim());
  if (directives.includes('no-store')) return bypass;
  const maxAge = directives.find((directive) => directive.startsWith('max-age='));
  const seconds = maxAge === undefined ? undefined : Number(maxAge.slice('max-age='.length));
  const refresh = own === 'refresh' || directives.includes('no-cache') || seconds === 0;
  if (refresh) return { kind: 'use', lookup: false, store: true, maxAgeMs: undefined, ttlMs };
  const asked = seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
  if (config.mode === 'respect' && !asked) return bypass;
  return { kind: 'use', lookup: true, store: true, maxAgeMs: asked ? seconds * 1000 : undefined, ttlMs };
}
