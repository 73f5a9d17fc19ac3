/**
 * Masks credential-looking strings before text is stored or exported (logged bodies, error
 * messages, trace attributes). Each match becomes `[REDACTED:<kind>]`; the kind says what was
 * there without keeping any of it. Where a secret follows a name (`Bearer …`, `api_key=…`) the
 * name stays so the text still reads.
 *
 * Rules are anchored on a vendor prefix or a `name=value` shape, so ordinary text (ids,
 * hashes, `sk-learn`, token counts) stays; every pattern is linear, so a multi-megabyte body
 * costs one pass per rule. Order matters: specific vendor shapes run before the generic ones,
 * and a value that is already `[REDACTED:…]`, or a guardrail placeholder `[secret:<rule>:<hex>]`
 * (an HMAC fingerprint that holds nothing of the secret), is never matched again.
 */

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Index of the capture group that is kept in front of the mask (a name or `Bearer `). */
  keepPrefix?: number;
  /** A further check on the whole match, for prefixes that also start ordinary words. */
  accept?: (match: string) => boolean;
}

/** Random key material mixes digits and letters; `sk-learn-pipeline-helpers` does not. */
const looksRandom = (match: string): boolean => /\d/.test(match) && /[A-Za-z]/.test(match.slice(3));

const rules: Rule[] = [
  {
    kind: 'private_key',
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?-----END \1-----/g,
  },
  { kind: 'anthropic_key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'switchyard_key', pattern: /\bsk-sy-[A-Za-z0-9_-]{16,}/g },
  { kind: 'stripe_key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  // OpenAI: legacy `sk-…`, project `sk-proj-…`, service account and admin keys.
  { kind: 'openai_key', pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g, accept: looksRandom },
  { kind: 'google_api_key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'aws_access_key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  {
    kind: 'aws_secret_key',
    pattern: /(\baws_?secret_?access_?key["']?\s*[:=]\s*["']?)(?!\[REDACTED)[A-Za-z0-9/+=]{40}/gi,
    keepPrefix: 1,
  },
  { kind: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'slack_webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/g },
  { kind: 'slack_token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { kind: 'huggingface_token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'groq_key', pattern: /\bgsk_[A-Za-z0-9]{40,}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Whatever follows `Bearer` in a header or a curl line, once vendor keys are masked.
  { kind: 'bearer_token', pattern: /(\bBearer\s+)(?!\[REDACTED)[A-Za-z0-9._~+/=-]{12,}/gi, keepPrefix: 1, accept: (match) => /\d/.test(match) },
  // `api_key=…`, `"client_secret": "…"`, `x-api-key: …`, `password=…` in bodies, URLs and headers.
  {
    kind: 'generic_secret',
    pattern:
      /(\b(?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|client[_-]?secret|secret[_-]?key|secret|token|password|passwd)["']?\s*[:=]\s*["']?)(?!\[REDACTED)[^\s"'&,;<>]{8,}/gi,
    keepPrefix: 1,
  },
];

/** A guardrail placeholder (`policy/guardrails/placeholder.ts`): rule name, then 12 hex of an HMAC. */
const guardrailPlaceholder = /\[secret:[a-z0-9-]{0,24}:[0-9a-f]{12}\]/g;

export function redactSecrets(text: string): string {
  if (!text.includes('[secret:')) return redactPlain(text);
  // Placeholders are kept whole: their rule names (`github-token`) would read as `token: …`.
  let result = '';
  let last = 0;
  for (const match of text.matchAll(guardrailPlaceholder)) {
    result += redactPlain(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + redactPlain(text.slice(last));
}

function redactPlain(text: string): string {
  let result = text;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    const mask = `[REDACTED:${rule.kind}]`;
    const { keepPrefix, accept } = rule;
    result = result.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      if (accept && !accept(match)) return match;
      return keepPrefix === undefined ? mask : `${groups[keepPrefix - 1] as string}${mask}`;
    });
  }
  return result;
}

/** `redactSecrets` that passes `null` through (log row fields are nullable). */
export function redactNullable(text: string | null): string | null {
  return text === null ? null : redactSecrets(text);
}
