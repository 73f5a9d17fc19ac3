import { AnchorIndex } from './anchor-index.ts';
import type { Finding, GuardrailCategory, ScanText } from './finding.ts';
import {
  hiddenInstructionAnchors,
  hiddenInstructionPattern,
  hiddenInstructionWindow,
  hidesLetters,
  injectionRules,
  normalizeForMatching,
} from './injection-rules.ts';
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
  /** Own passes over the text, for triggers without anchors (led by a character class). */
  triggers: RegExp[];
  before: number;
  after: number;
  /** `triggers` without lookarounds, for raw bodies (built on first use). */
  looseTriggers?: RegExp[];
  /** Hits found per character outside ASCII (in the anchor pass) instead of a trigger pass. */
  hitsCode?: (code: number) => boolean;
};

/** A set's detectors and the one-pass index of their anchors (`'hidden'`: a hidden-instruction anchor). */
interface DetectorSet {
  detectors: Detector[];
  anchors: AnchorIndex<Detector | 'hidden'>;
  byCode: Detector[];
}

const detectorSets = new Map<string, DetectorSet>();

/**
 * The detectors for a set of categories (built once per set). Anchored triggers go into one
 * `AnchorIndex` (one pass per text for all of them); the few led by a character class keep a
 * pass of their own.
 */
function detectorsFor(categories: ReadonlySet<GuardrailCategory>): DetectorSet {
  const key = [...categories].sort().join(',');
  const cached = detectorSets.get(key);
  if (cached) return cached;
  const detectors: Detector[] = [];
  const anchors = new AnchorIndex<Detector | 'hidden'>();
  const anchored = (detector: Detector, trigger: string | readonly string[], literals: readonly string[] | undefined): Detector => {
    if (!literals) {
      detector.triggers = compileTriggers(trigger);
      return detector;
    }
    const sticky = new RegExp((typeof trigger === 'string' ? [trigger] : trigger).map((source) => `(?:${source})`).join('|'), 'y');
    for (const literal of literals) anchors.add(literal.slice(0, 2), { target: detector, literal, trigger: sticky });
    return detector;
  };
  const fromRule = (rule: RegexRule): Detector => {
    const detector: Detector = {
      kind: 'regex',
      rule,
      pattern: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('d', '')}d`),
      triggers: [],
      before: rule.before,
      after: rule.after,
      ...(rule.hitsCode ? { hitsCode: rule.hitsCode } : {}),
    };
    return rule.hitsCode ? detector : anchored(detector, rule.trigger, rule.anchors);
  };
  if (categories.has('secrets')) {
    for (const family of secretlintFamilies) {
      detectors.push(anchored({ kind: 'secretlint', family, triggers: [], before: family.before, after: family.after }, family.trigger, family.anchors));
    }
    for (const rule of secretRules) detectors.push(fromRule(rule));
  }
  if (categories.has('pii')) for (const rule of piiRules) detectors.push(fromRule(rule));
  if (categories.has('injection')) {
    for (const rule of injectionRules) detectors.push(fromRule(rule));
    for (const { words, trigger } of hiddenInstructionAnchors)
      for (const word of words) for (const pair of spellings(word.slice(0, 2))) anchors.add(pair, { target: 'hidden', trigger });
  }
  const set = { detectors, anchors, byCode: detectors.filter((detector) => detector.hitsCode !== undefined) };
  detectorSets.set(key, set);
  return set;
}

/**
 * Whether a request body (its raw JSON, not parsed yet) may hold anything the rules would find
 * in its texts: false only when no anchor literal, no character a rule watches outside ASCII,
 * and no match of a class-led trigger (lookarounds dropped, so a superset) occurs in it. A
 * `\u` or `\/` escape could hide an anchor, so a body with one always may. Stops at the first
 * sign; skipping the parse when there is none is what it is for (docs/guardrails.md, "Cost").
 */
export function rawBodyMayHaveFindings(raw: Buffer, categories: ReadonlySet<GuardrailCategory>): boolean {
  const set = detectorsFor(categories);
  const other = (code: number) => hidesLetters(code) || set.byCode.some((detector) => detector.hitsCode!(code));
  const bytes = raw.toString('latin1');
  // Most agent requests stop here, at an anchor word near their start.
  if (set.anchors.anyLiteral(bytes, other)) return true;
  if (bytes.includes('\\u') || bytes.includes('\\/')) return true;
  // Class-led triggers are ASCII classes: the bytes read as Latin-1 match them where the text would.
  for (const detector of set.detectors) {
    for (const regex of (detector.looseTriggers ??= detector.triggers.map((trigger) => new RegExp(withoutLookarounds(trigger.source))))) {
      if (regex.test(bytes)) return true;
    }
  }
  return false;
}

/** A regex source without its lookbehinds and lookaheads (simple ones, as triggers use): it then matches a superset. */
export function withoutLookarounds(source: string): string {
  return source.replace(/\(\?<?[!=](?:[^()\\]|\\.)*\)/g, '');
}

/** Every upper/lower-case spelling of a two-character pair. */
function spellings(pair: string): string[] {
  const options = [...pair].map((character) => [...new Set([character.toLowerCase(), character.toUpperCase()])]);
  return options[0]!.flatMap((first) => options[1]!.map((second) => first + second));
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
  const set = detectorsFor(options.categories);
  const findings: Finding[] = [];
  // The key names what the answer depends on: the categories scanned, the text's source, the text.
  const categoriesKey = [...options.categories].sort().join(',');
  const cacheKeyOf = (item: ScanText): CacheKey => ({ text: item.text, variant: `${categoriesKey}|${item.source}` });
  /** Texts scanned now (not from the cache), by position: their findings are remembered after. */
  const scannedNow = new Map<number, CacheKey>();
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
    const { windows, hidden, lookAlikes } = collectWindows(set, text);
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
      hasHiddenInstructions(text, hidden, lookAlikes)
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

/** What a cached answer depends on: the text, and the categories and source it was scanned for. */
interface CacheKey {
  text: string;
  variant: string;
}

/**
 * Findings per scanned text (positions within the text), keyed by the text itself and then by
 * the categories and the source, least recently used text first out past `maxCachedChars`.
 * The text is the map key as it is (no `categories|source|text` concatenation, which made
 * every lookup copy a text of many kilobytes before hashing it). Holds request text in memory
 * (as the request log's bodies would), never outside the process.
 */
class FindingsCache {
  private readonly entries = new Map<string, Map<string, Finding[]>>();
  private chars = 0;

  constructor(private readonly maxCachedChars: number) {}

  get(key: CacheKey): Finding[] | undefined {
    const variants = this.entries.get(key.text);
    const found = variants?.get(key.variant);
    if (found) {
      this.entries.delete(key.text);
      this.entries.set(key.text, variants!);
    }
    return found;
  }

  set(key: CacheKey, findings: Finding[]): void {
    if (key.text.length + key.variant.length > this.maxCachedChars / 4) return;
    const variants = this.entries.get(key.text);
    if (variants) {
      if (!variants.has(key.variant)) variants.set(key.variant, findings);
      return;
    }
    this.entries.set(key.text, new Map([[key.variant, findings]]));
    this.chars += key.text.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxCachedChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}

const findingsCache = new FindingsCache(4 * 1024 * 1024);

/**
 * The windows each detector runs in: one anchor pass for all anchored triggers (and the
 * characters outside ASCII), then a pass per remaining trigger. Also where hidden-instruction
 * phrases may start, and whether the text has characters that can disguise one.
 */
function collectWindows(set: DetectorSet, text: string): { windows: Map<Detector, [number, number][]>; hidden: number[]; lookAlikes: boolean } {
  const windows = new Map<Detector, [number, number][]>();
  const hidden: number[] = [];
  let lookAlikes = false;
  const add = (detector: Detector, start: number, end: number) => {
    let ranges = windows.get(detector);
    if (!ranges) windows.set(detector, (ranges = []));
    ranges.push([Math.max(0, start - detector.before), Math.min(text.length, end + detector.after)]);
  };
  set.anchors.scan(
    text,
    (target, start, end) => (target === 'hidden' ? hidden.push(start) : add(target, start, end)),
    (code, index) => {
      if (!lookAlikes && hidesLetters(code)) lookAlikes = true;
      for (const detector of set.byCode) if (detector.hitsCode!(code)) add(detector, index, index + 1);
    },
  );
  for (const detector of set.detectors) {
    for (const regex of detector.triggers) {
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        add(detector, match.index, match.index + match[0].length);
        regex.lastIndex = match.index + 1;
      }
    }
  }
  return { windows, hidden, lookAlikes };
}

/**
 * The hidden-instruction pattern, matched in windows around its anchors; a text with
 * characters that can disguise a phrase (or hide one from the anchors) is normalised and
 * matched whole. A window starts at a word boundary, so `\b` means what it means in the text.
 */
function hasHiddenInstructions(text: string, anchors: number[], lookAlikes: boolean): boolean {
  if (lookAlikes) return hiddenInstructionPattern.test(normalizeForMatching(text));
  if (anchors.length === 0) return false;
  const ranges = anchors.map((at): [number, number] => {
    let start = Math.max(0, at - hiddenInstructionWindow.before);
    while (start > 0 && start > at - 2 * hiddenInstructionWindow.before && /\w/.test(text[start - 1]!)) start--;
    return [start, Math.min(text.length, at + hiddenInstructionWindow.after)];
  });
  return mergeWindows(ranges).some(([start, end]) => hiddenInstructionPattern.test(text.slice(start, end)));
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
