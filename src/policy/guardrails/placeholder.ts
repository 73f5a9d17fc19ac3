import { createHmac } from 'node:crypto';

/**
 * Placeholders and fingerprints are HMACs of the secret under the gateway's salt
 * (`RuntimeConfig.guardrailsSalt`: `guardrails.fingerprint_salt`, else derived from the master
 * key, else random per process), so the same secret gets the same placeholder in every turn of
 * a conversation (prompt caches still hit), on every replica that shares the salt, and a
 * fingerprint in a log cannot be checked against a guessed secret without the salt.
 */
function hmac(salt: string, label: string, value: string): string {
  return createHmac('sha256', salt).update(label).update('\u0000').update(value).digest('hex');
}

/** Placeholders all start with this; nothing else in them can be `[`. */
export const placeholderPrefix = '[secret:';
/** `[secret:<rule>:<12 hex>]`: one token of letters, digits and `_-:.<>[]` (contract §2). */
export const maxPlaceholderLength = placeholderPrefix.length + 24 + 1 + 12 + 1;

export function placeholderFor(rule: string, value: string, salt: string): string {
  const name = rule.replace(/[^a-z0-9-]/g, '').slice(0, 24);
  return `${placeholderPrefix}${name}:${hmac(salt, 'placeholder', value).slice(0, 12)}]`;
}

/** What logs, headers and traces may carry about a secret. */
export function fingerprintOf(value: string, salt: string): string {
  return `fp_${hmac(salt, 'fingerprint', value).slice(0, 16)}`;
}
