import { createHmac } from 'node:crypto';
import type { RequestBody } from '../../core/request-body.ts';
import type { DialectId } from '../../core/ir/index.ts';

/** The dialects whose requests carry a client-chosen `prompt_cache_key` at the top level. */
const carriers = new Set<DialectId>(['openai-responses', 'openai-chat']);

/**
 * A client's `prompt_cache_key` as OpenAI sees it: `sy_` + an HMAC (gateway secret) of the tenant
 * scope and the value, so two tenants choosing the same key never share OpenAI's prompt-cache
 * routing, and no tenant can name another's (docs/decisions/0012). Stable for one tenant and value.
 */
export function namespacedPromptCacheKey(secret: string, scope: string, value: string): string {
  const id = `${scope}\u0000${value}`;
  const known = recent.get(id);
  if (known?.secret === secret) return known.key;
  const key = `sy_${createHmac('sha256', secret).update(id).digest('base64url').slice(0, 40)}`;
  // An agent resends one key every turn of a conversation: the last few thousand are kept (a new secret recomputes).
  if (recent.size >= recentLimit) recent.clear();
  recent.set(id, { secret, key });
  return key;
}

const recentLimit = 4096;
const recent = new Map<string, { secret: string; key: string }>();

/**
 * The body with its `prompt_cache_key` namespaced, on both paths (the translated one decodes
 * this body). One byte search when the member is absent, as on nearly every request.
 */
export function withNamespacedPromptCacheKey(body: RequestBody, dialect: DialectId, secret: () => string, scope: () => string): RequestBody {
  if (!carriers.has(dialect)) return body;
  const value = body.optionalMember('prompt_cache_key');
  if (typeof value !== 'string' || value === '') return body;
  return body.withMemberBody('prompt_cache_key', namespacedPromptCacheKey(secret(), scope(), value));
}
