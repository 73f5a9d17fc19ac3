import type { Finding, GuardrailCategory, ScanText } from './finding.ts';
import { hiddenInstructionPattern, injectionRules, normalizeForMatching } from './injection-rules.ts';
import { piiRules } from './pii-rules.ts';
import type { RegexRule, SecretlintFamily } from './rule.ts';
import { runSecretlint, type SecretlintWindow } from './run-secretlint.ts';
import { secretRules } from './secret-rules.ts';
import { secretlintFamilies } from './secretlint-families.ts';
import { mergeWindows } from './windows.ts';

export interface ScanOptions {
  categories: ReadonlySet<GuardrailCategory>;
  /** Characters scanned in all; the rest is not looked at and the result says `truncated`. */
  maxScanChars: number;
  /** Reuse the findings of texts seen before (default); timing measurements turn it off. */
  cache?: boolean;
}

export interface ScanResult {
  findings: Finding[];
  /** Some text was past `maxScanChars` (or the secretlint window cap) and was not scanned. */
  truncated: boolean;
}

/** Windows handed to secretlint per request, at most (its regexes are not all linear). */
const maxSecretlintChars = 512 * 1024;

type Detector = ({ kind: 'regex'; rule: RegexRule; pattern: RegExp } | { kind: 'secretlint'; family: SecretlintFamily }) & {
  triggers: RegExp[];
  before: number;
  after: number;
  /** The trigger can only match non-ASCII text (skipped on ASCII texts). */
  nonAscii: boolean;
};

const detectorSets = new Map<string, Detector[]>();

/**
 * The detectors for a set of categories (built once per set). Each trigger is its own regex:
 * one pass per literal-led trigger lets the engine skip ahead on its literal prefix, which
 * measured faster than one combined alternation (docs/guardrails.md).
 */
function detectorsFor(categories: ReadonlySet<GuardrailCategory>): Detector[] {
  const key = [...categories].sort().join(',');
  const cached = detectorSets.get(key);
  if (cached) return cached;
  const detectors: Detector[] = [];
  const fromRule = (rule: RegexRule): Detector => ({
    kind: 'regex',
    rule,
    pattern: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('d', '')}d`),
    triggers: compileTriggers(rule.trigger),
    before: rule.before,
    after: rule.after,
    nonAscii: rule.category === 'injection',
  });
  if (categories.has('secrets')) {
    for (const family of secretlintFamilies) {
      detectors.push({ kind: 'secretlint', family, triggers: compileTriggers(family.trigger), before: family.before, after: family.after, nonAscii: false });
    }
    for (const rule of secretRules) detectors.push(fromRule(rule));
  }
  if (categories.has('pii')) for (const rule of piiRules) detectors.push(fromRule(rule));
  if (categories.has('injection')) for (const rule of injectionRules) detectors.push(fromRule(rule));
  detectorSets.set(key, detectors);
  return detectors;
}

function compileTriggers(trigger: string | readonly string[]): RegExp[] {
  return (typeof trigger === 'string' ? [trigger] : trigger).map((source) => new RegExp(source, 'g'));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range test is the point.
const nonAscii = /[^\u0000-\u007f]/;

/**
 * Scans the texts a provider would see. Each rule runs only in windows around its pre-filter
 * hits; secretlint gets all its windows of the request in one call. Overlapping findings of one
 * category are reduced to the first (longest) one.
 */
export async function scanTexts(texts: readonly ScanText[], options: ScanOptions): Promise<ScanResult> {
  const detectors = detectorsFor(options.categories);
  const findings: Finding[] = [];
  // The key names what the answer depends on: the categories scanned, the text's source, the text.
  const categoriesKey = [...options.categories].sort().join(',');
  const cacheKeyOf = (item: ScanText) => `${categoriesKey}|${item.source}|${item.text}`;
  /** Texts scanned now (not from the cache), by position: their findings are remembered after. */
  const scannedNow = new Map<number, string>();
  const secretlintRanges = new Map<number, { text: string; ranges: [number, number][] }>();
  let budget = options.maxScanChars;
  let truncated = false;
  for (const [position, item] of texts.entries()) {
    if (budget <= 0) {
      truncated ||= item.text.length > 0;
      continue;
    }
    const text = item.text.length > budget ? item.text.slice(0, budget) : item.text;
    if (text.length < item.text.length) truncated = true;
    budget -= text.length;
    // Agents resend the whole conversation every turn: a text scanned before is not scanned again.
    const cacheKey = options.cache !== false && text.length === item.text.length ? cacheKeyOf(item) : undefined;
    const known = cacheKey === undefined ? undefined : findingsCache.get(cacheKey);
    if (known) {
      for (const finding of known) findings.push({ ...finding, text: position });
      continue;
    }
    if (cacheKey !== undefined) scannedNow.set(position, cacheKey);
    const windows = collectWindows(detectors, text);
    for (const [detector, ranges] of windows) {
      const merged = mergeWindows(ranges);
      if (detector.kind === 'secretlint') {
        let entry = secretlintRanges.get(position);
        if (!entry) secretlintRanges.set(position, (entry = { text, ranges: [] }));
        entry.ranges.push(...merged);
        continue;
      }
      if (detector.rule.sources && !detector.rule.sources.includes(item.source)) continue;
      for (const [start, end] of merged) runRule(detector, text, start, end, position, findings);
    }
    if (
      options.categories.has('injection') &&
      (item.source === 'tool-output' || item.source === 'document') &&
      hiddenInstructionPattern.test(normalizeForMatching(text))
    ) {
      findings.push({ rule: 'hidden-instructions', category: 'injection', text: position, start: 0, end: text.length });
    }
  }
  // Windows of different families merge, so secretlint sees each span once.
  const secretlintWindows: SecretlintWindow[] = [];
  let secretlintChars = 0;
  for (const [position, entry] of secretlintRanges) {
    for (const [start, end] of mergeWindows(entry.ranges)) {
      if (secretlintChars + end - start > maxSecretlintChars) {
        truncated = true;
        continue;
      }
      secretlintChars += end - start;
      secretlintWindows.push({ text: position, start, content: entry.text.slice(start, end) });
    }
  }
  findings.push(...(await runSecretlint(secretlintWindows)));
  const reduced = reduceOverlaps(findings);
  if (!truncated) {
    for (const [position, key] of scannedNow)
      findingsCache.set(
        key,
        reduced.filter((finding) => finding.text === position).map((finding) => ({ ...finding, text: 0 })),
      );
  }
  return { findings: reduced, truncated };
}

/**
 * Findings per scanned text (positions within the text), keyed by the categories, the source
 * and the text itself, least recently used first out past `maxCachedChars`. Holds request text
 * in memory (as the request log's bodies would), never outside the process.
 */
class FindingsCache {
  private readonly entries = new Map<string, Finding[]>();
  private chars = 0;

  constructor(private readonly maxCachedChars: number) {}

  get(key: string): Finding[] | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, findings: Finding[]): void {
    if (key.length > this.maxCachedChars / 4 || this.entries.has(key)) return;
    this.entries.set(key, findings);
    this.chars += key.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxCachedChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}

const findingsCache = new FindingsCache(4 * 1024 * 1024);

function collectWindows(detectors: Detector[], text: string): Map<Detector, [number, number][]> {
  const windows = new Map<Detector, [number, number][]>();
  const ascii = !nonAscii.test(text);
  for (const detector of detectors) {
    if (detector.nonAscii && ascii) continue;
    let ranges: [number, number][] | undefined;
    for (const regex of detector.triggers) {
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        const at = match.index;
        ranges ??= [];
        ranges.push([Math.max(0, at - detector.before), Math.min(text.length, at + match[0].length + detector.after)]);
        regex.lastIndex = at + 1;
      }
    }
    if (ranges) windows.set(detector, ranges);
  }
  return windows;
}

function runRule(detector: Extract<Detector, { kind: 'regex' }>, text: string, start: number, end: number, position: number, findings: Finding[]): void {
  const slice = text.slice(start, end);
  const pattern = detector.pattern;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(slice); match !== null; match = pattern.exec(slice)) {
    const span = match.indices?.groups?.['value'] ?? match.indices?.[0];
    if (!span) continue;
    const value = slice.slice(span[0], span[1]);
    if (detector.rule.accept && !detector.rule.accept(value)) continue;
    findings.push({ rule: detector.rule.id, category: detector.rule.category, text: position, start: start + span[0], end: start + span[1] });
  }
}

/** Rules that judge by context and entropy: a named family's finding on the same span wins over theirs. */
const genericRules = new Set(['generic-secret', 'bearer-token']);

/**
 * Sorted by text and start; within a category, a finding overlapping one already kept is
 * dropped, named families kept before the generic rules.
 */
function reduceOverlaps(findings: Finding[]): Finding[] {
  const order = (a: Finding, b: Finding) => a.text - b.text || a.start - b.start || b.end - a.end;
  const kept: Finding[] = [];
  const overlaps = (finding: Finding) =>
    kept.some((other) => other.text === finding.text && other.category === finding.category && finding.start < other.end && other.start < finding.end);
  for (const pass of [false, true]) {
    for (const finding of findings.filter((item) => genericRules.has(item.rule) === pass).sort(order)) {
      if (!overlaps(finding)) kept.push(finding);
    }
  }
  return kept.sort(order);
}
