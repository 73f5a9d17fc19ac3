import { createHash } from 'node:crypto';
import type { KeyConfig, TargetConfig } from '../../config/runtime-config.ts';
import type { CacheConfig } from '../../config/cache-config.ts';
import type { DialectId, ModelRequest } from '../../core/ir/index.ts';

/** Bump when the normalization or the stored shape changes: old entries then simply stop matching. */
const keyVersion = 'sy-cache-1';

/** Top-level IR fields that identify the caller or the transport, never the answer. */
const volatileFields = new Set(['stream', 'metadata', 'user', 'promptCacheKey']);
/** Client fields kept verbatim in extensions that do not change the answer (request ids, session tags, transport). */
const volatileExtensions = new Set(['client_metadata', 'safety_identifier', 'stream_options', 'store', 'prompt_cache_retention', 'user', 'metadata']);

/** Whose entries these are: one key, or the key's team when the scope says team (a key without a team stays alone). */
export function cacheScope(key: KeyConfig | undefined, scope: CacheConfig['scope']): string {
  if (!key) return 'anonymous';
  return scope === 'team' && key.team !== undefined ? `team:${key.team}` : `key:${key.name}`;
}

/**
 * The exact cache key: sha256 over the tenant scope, the client's dialect, the resolved targets
 * and the normalized request (the IR without its volatile fields, with object keys sorted), so
 * two requests share an entry only when every field that can change the answer is the same.
 */
export function responseCacheKey(input: { scope: string; dialect: DialectId; alias: string; targets: readonly TargetConfig[]; request: ModelRequest }): string {
  const { model: _model, extensions, ...rest } = input.request;
  const request: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) if (!volatileFields.has(field)) request[field] = value;
  const kept: Record<string, Record<string, unknown>> = {};
  for (const [dialect, fields] of Object.entries(extensions)) {
    const entries = Object.entries(fields ?? {}).filter(([field]) => !volatileExtensions.has(field));
    if (entries.length > 0) kept[dialect] = Object.fromEntries(entries);
  }
  request['extensions'] = kept;
  const targets = input.targets.map((target) => `${target.provider}/${target.model}`).sort();
  const hash = createHash('sha256');
  hash.update(stableJson([keyVersion, input.scope, input.dialect, input.alias.toLowerCase(), targets, request]));
  return hash.digest('hex');
}

/** JSON with object keys in sorted order (the same request in any key order gives the same bytes). */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}
