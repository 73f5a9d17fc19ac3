import { createHmac, randomBytes } from 'node:crypto';

/**
 * Per-gateway salt: placeholders and fingerprints are HMACs of the secret under it, so the same
 * secret gets the same placeholder in every turn of a conversation (prompt caches still hit)
 * and a fingerprint in a log cannot be checked against a guessed secret without the salt.
 * It lives only in memory: after a restart placeholders change once (one cache miss).
 */
const salt = randomBytes(32);

function hmac(label: string, value: string): string {
  return createHmac('sha256', salt).update(label).update('\u0000').update(value).digest('hex');
}

/** Placeholders all start with this; nothing else in them can be `[`. */
export const placeholderPrefix = '[secret:';
/** `[secret:<rule>:<12 hex>]`: one token of letters, digits and `_-:.<>[]` (contract §2). */
export const maxPlaceholderLength = placeholderPrefix.length + 24 + 1 + 12 + 1;

export function placeholderFor(rule: string, value: string): string {
  const name = rule.replace(/[^a-z0-9-]/g, '').slice(0, 24);
  return `${placeholderPrefix}${name}:${hmac('placeholder', value).slice(0, 12)}]`;
}

/** What logs, headers and traces may carry about a secret. */
export function fingerprintOf(value: string): string {
  return `fp_${hmac('fingerprint', value).slice(0, 16)}`;
}
