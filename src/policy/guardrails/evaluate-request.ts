import type { GuardrailsConfig } from '../../config/guardrails-config.ts';
import { GatewayError } from '../../core/errors.ts';
import type { RequestTextSource } from '../../core/request-text.ts';
import type { Finding, GuardrailCategory } from './finding.ts';
import { fingerprintOf } from './placeholder.ts';
import { scanTexts } from './scan-texts.ts';
import { SecretVault } from './secret-vault.ts';
import { unescapeJson } from './unescape-json.ts';

/** One text of a request, as the dialect's `mapRequestText` visited it. */
export interface RequestText {
  text: string;
  location: string;
  source: RequestTextSource;
  json: boolean;
}

/** What fired: never the value, only a salted fingerprint of it. */
export interface GuardrailVerdict {
  rule: string;
  category: GuardrailCategory | 'scan';
  action: 'flag' | 'redact' | 'block';
  location: string;
  fingerprint: string;
}

export interface RequestGuardrails {
  verdicts: GuardrailVerdict[];
  /** Secrets (and redacted PII) of this request by placeholder; empty when nothing was redacted. */
  vault: SecretVault;
  /** Text index → its redacted text (only texts that changed). */
  replacements: Map<number, string>;
  /** Every secret the request carried (as text, whatever the action): `scan_output` lets the model repeat these. */
  carried: Set<string>;
  /** Set when a `block` action fired: the error to answer (its verdict is in `verdicts`). */
  blocked?: GatewayError;
}

/** The action in force for a category. */
function actionOf(config: GuardrailsConfig, category: GuardrailCategory): 'off' | 'flag' | 'redact' | 'block' {
  return category === 'secrets' ? config.secrets : category === 'pii' ? config.pii : config.injection;
}

/** The categories a config scans for (those not `off`). */
export function activeCategories(config: GuardrailsConfig): Set<GuardrailCategory> {
  return new Set<GuardrailCategory>((['secrets', 'pii', 'injection'] as const).filter((category) => actionOf(config, category) !== 'off'));
}

/**
 * Scans a request's texts and decides: `block` refuses (contract §4: the rule and where, never
 * the value), `redact` swaps each value for its placeholder, `flag` only records. A request
 * larger than `max_scan_chars` is blocked when secrets block (fail closed), else flagged
 * `scan-truncated`.
 */
export async function evaluateRequest(texts: RequestText[], config: GuardrailsConfig, salt: string): Promise<RequestGuardrails> {
  const categories = activeCategories(config);
  const vault = new SecretVault(salt);
  const replacements = new Map<number, string>();
  const carried = new Set<string>();
  if (categories.size === 0) return { verdicts: [], vault, replacements, carried };
  const scan = await scanTexts(texts, { categories, maxScanChars: config.maxScanChars });
  const verdicts: GuardrailVerdict[] = [];
  if (scan.truncated) {
    if (config.secrets === 'block') {
      verdicts.push({ rule: 'scan-truncated', category: 'scan', action: 'block', location: 'request', fingerprint: '-' });
      const blocked = new GatewayError({
        code: 'policy_secret_detected',
        message: `The request has more text than the secret scanner reads (guardrails.max_scan_chars = ${config.maxScanChars}), and secrets are set to block, so it was not sent. Send less text at once.`,
        details: { rule: 'scan-truncated' },
      });
      return { verdicts, vault, replacements, carried, blocked };
    }
    verdicts.push({ rule: 'scan-truncated', category: 'scan', action: 'flag', location: 'request', fingerprint: '-' });
  }
  const byText = new Map<number, Finding[]>();
  for (const finding of scan.findings) {
    const action = actionOf(config, finding.category);
    const item = texts[finding.text]!;
    const value = item.text.slice(finding.start, finding.end);
    if (finding.category === 'secrets') carried.add(item.json ? unescapeJson(value) : value);
    if (action === 'block') {
      verdicts.push({ rule: finding.rule, category: finding.category, action: 'block', location: item.location, fingerprint: fingerprintOf(value, salt) });
      const blocked =
        finding.category === 'secrets'
          ? new GatewayError({
              code: 'policy_secret_detected',
              message: `A secret (${finding.rule}) was found in ${item.location}; the request was not sent. Remove it from the conversation, or ask the operator to set guardrails.secrets to redact.`,
              param: item.location,
              details: { rule: finding.rule, location: item.location },
            })
          : new GatewayError({
              code: 'caller_content_policy',
              message: `The request was refused by a guardrail (${finding.rule}) in ${item.location}.`,
              param: item.location,
              details: { rule: finding.rule, location: item.location },
            });
      return { verdicts, vault: new SecretVault(salt), replacements: new Map(), carried, blocked };
    }
    verdicts.push({
      rule: finding.rule,
      category: finding.category,
      action: action === 'redact' ? 'redact' : 'flag',
      location: item.location,
      fingerprint: fingerprintOf(value, salt),
    });
    if (action === 'redact' && finding.category !== 'injection') {
      let list = byText.get(finding.text);
      if (!list) byText.set(finding.text, (list = []));
      list.push(finding);
    }
  }
  for (const [index, findings] of byText) replacements.set(index, redact(texts[index]!, findings, vault));
  return { verdicts, vault, replacements, carried };
}

/** The text with each finding's span replaced by its placeholder (spans of different categories may overlap: merged). */
function redact(item: RequestText, findings: Finding[], vault: SecretVault): string {
  const spans = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    const raw = item.text.slice(span.start, span.end);
    out += item.text.slice(at, span.start) + vault.add(span.rule, item.json ? unescapeJson(raw) : raw);
    at = span.end;
  }
  return out + item.text.slice(at);
}
