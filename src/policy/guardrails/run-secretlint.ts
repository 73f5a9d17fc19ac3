import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { GatewayError } from '../../core/errors.ts';
import type { Finding } from './finding.ts';
import { gatewayRuleName } from './secretlint-families.ts';

/** A piece of one scanned text handed to secretlint. */
export interface SecretlintWindow {
  text: number;
  start: number;
  content: string;
}

const config = { rules: [{ id: recommendedPreset.meta.id, rule: recommendedPreset }] };
/** Between windows: no rule's `\s*` or `\b` spans a NUL pair. */
const separator = '\n\u0000\u0000\n';

/**
 * Runs secretlint's recommended preset once over all windows of a request (one call: its
 * per-call overhead is ~0.15 ms) and maps its messages back to texts and offsets. The reported
 * value (`maskSecrets: false`, kept in memory only) is located inside the reported range, since
 * some rules report the range of the whole assignment.
 */
export async function runSecretlint(windows: SecretlintWindow[]): Promise<Finding[]> {
  if (windows.length === 0) return [];
  const starts: number[] = [];
  let content = '';
  for (const window of windows) {
    starts.push(content.length);
    content += window.content + separator;
  }
  let result: Awaited<ReturnType<typeof lintSource>>;
  try {
    result = await lintSource({ source: { filePath: 'request.txt', content, contentType: 'text' }, options: { config, maskSecrets: false } });
  } catch (error) {
    throw new GatewayError({ code: 'gateway_internal', message: 'The secret scanner failed.', cause: error });
  }
  const findings: Finding[] = [];
  for (const message of result.messages) {
    const [from, to] = message.range;
    let index = upperBound(starts, from) - 1;
    if (index < 0) index = 0;
    const window = windows[index]!;
    const base = starts[index]!;
    let start = from;
    let end = Math.min(to, base + window.content.length);
    const value = reportedValue(message.data);
    if (value !== undefined) {
      const at = content.indexOf(value, Math.max(base, from - value.length));
      if (at !== -1 && at < base + window.content.length) {
        start = at;
        end = at + value.length;
      }
    }
    const rule = gatewayRuleName(message.ruleId, message.messageId ?? '');
    if (rule === 'database-url' || rule === 'basic-auth-url') [start, end] = passwordOfUrl(content, start, end);
    if (end <= start) continue;
    findings.push({ rule, category: 'secrets', text: window.text, start: window.start + start - base, end: window.start + end - base });
  }
  return findings;
}

/** The longest string value a secretlint message reports (its key, token or URI). */
function reportedValue(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  let best: string | undefined;
  for (const [name, value] of Object.entries(data)) {
    if (name === 'typeName' || typeof value !== 'string' || value.length < 8) continue;
    if (best === undefined || value.length > best.length) best = value;
  }
  return best;
}

/** `scheme://user:password@host…` → the password's span (the rest is not secret). */
function passwordOfUrl(content: string, start: number, end: number): [number, number] {
  const span = content.slice(start, end);
  const scheme = span.indexOf('://');
  const at = span.lastIndexOf('@');
  if (scheme === -1 || at === -1) return [start, end];
  const colon = span.indexOf(':', scheme + 3);
  if (colon === -1 || colon > at) return [start, end];
  return [start + colon + 1, start + at];
}

function upperBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
