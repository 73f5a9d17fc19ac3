import type { ContentBlock, ModelResponse, StreamEvent } from '../../core/ir/index.ts';
import type { GuardrailVerdict } from './evaluate-request.ts';
import { OutputTextHold } from './output-text-hold.ts';
import { fingerprintOf, placeholderFor } from './placeholder.ts';
import { scanTexts } from './scan-texts.ts';
import { unescapeJson } from './unescape-json.ts';

export interface OutputGuardOptions {
  /** `redact`: a secret the model emits becomes a placeholder (never restored); `flag`: recorded only. */
  action: 'flag' | 'redact';
  salt: string;
  /** Secrets the request itself carried (as text): the model may repeat those (they are the agent's own). */
  carried: ReadonlySet<string>;
  /** Called once per finding, in stream order (log row, metrics, header, trace). */
  onVerdict(verdict: GuardrailVerdict): void;
}

type DeltaType = 'text-delta' | 'tool-call-delta' | 'reasoning-delta';

/** One text of the answer being judged: a block's deltas of one kind (and reasoning part). */
interface Track {
  hold: OutputTextHold;
  type: DeltaType;
  part: number;
  json: boolean;
}

/** A released piece waiting for its scan, or an event passed through once the scan is in. */
type Pending =
  | { kind: 'event'; event: StreamEvent }
  /** `silent`: a text seen only in a complete block (no deltas): scanned, but no delta is emitted for it. */
  | { kind: 'segment'; index: number; track: Track; context: string; text: string; silent?: boolean };

const secretsOnly = new Set(['secrets'] as const);
const unbounded = Number.MAX_SAFE_INTEGER;

/**
 * `scan_output`: secrets the model itself emits, in text, reasoning and tool-call-argument
 * deltas (a secret split across deltas included) and in the complete blocks `block-end`
 * carries. Each text is held back only from the start of its last word (`OutputTextHold`);
 * what is released is scanned with the request rules for secrets (one scan per batch of
 * events), with the released text before it as context. A finding whose value the request
 * carried is not the model's own and passes. Runs after the placeholder restorer.
 */
export class OutputGuard {
  private readonly tracks = new Map<number, Track>();
  private readonly toolKinds = new Map<number, boolean>();
  /** Per block: raw value → what replaced it, applied to the block `block-end` carries. */
  private readonly replaced = new Map<number, Map<string, string>>();
  /** Blocks whose deltas were seen (the others are judged on their complete block). */
  private readonly streamed = new Set<number>();

  constructor(private readonly options: OutputGuardOptions) {}

  async push(events: StreamEvent[]): Promise<StreamEvent[]> {
    const pending: Pending[] = [];
    for (const event of events) this.sort(event, pending);
    return this.judge(pending);
  }

  /** The end of the upstream stream without a terminal event: what is held goes out. */
  async finish(): Promise<StreamEvent[]> {
    const pending: Pending[] = [];
    for (const index of [...this.tracks.keys()]) this.flush(index, pending);
    return this.judge(pending);
  }

  private sort(event: StreamEvent, pending: Pending[]): void {
    switch (event.type) {
      case 'block-start':
        if (event.block.kind === 'tool-call') this.toolKinds.set(event.index, event.block.toolKind === 'function');
        pending.push({ kind: 'event', event });
        return;
      case 'text-delta':
      case 'tool-call-delta':
      case 'reasoning-delta': {
        const part = event.type === 'reasoning-delta' ? event.part : 0;
        this.streamed.add(event.index);
        let track = this.tracks.get(event.index);
        if (track && (track.type !== event.type || track.part !== part)) {
          this.flush(event.index, pending);
          track = undefined;
        }
        if (!track) {
          const json = event.type === 'tool-call-delta' && this.toolKinds.get(event.index) !== false;
          track = { hold: new OutputTextHold(json), type: event.type, part, json };
          this.tracks.set(event.index, track);
        }
        for (const segment of track.hold.push(event.delta)) pending.push({ kind: 'segment', index: event.index, track, ...segment });
        return;
      }
      case 'block-end':
        this.flush(event.index, pending);
        if (!this.streamed.has(event.index)) this.judgeWhole(event.index, event.block, pending);
        pending.push({ kind: 'event', event });
        return;
      case 'response-end':
      case 'error':
        for (const index of [...this.tracks.keys()]) this.flush(index, pending);
        pending.push({ kind: 'event', event });
        return;
      default:
        pending.push({ kind: 'event', event });
    }
  }

  private flush(index: number, pending: Pending[]): void {
    const track = this.tracks.get(index);
    if (!track) return;
    this.tracks.delete(index);
    for (const segment of track.hold.finish()) pending.push({ kind: 'segment', index, track, ...segment });
  }

  /** A block that arrived complete: each of its texts is one silent segment. */
  private judgeWhole(index: number, block: ContentBlock, pending: Pending[]): void {
    const texts = textsOf(block);
    if (!texts) return;
    const json = block.type === 'tool-call' && block.kind === 'function';
    const type: DeltaType = block.type === 'tool-call' ? 'tool-call-delta' : block.type === 'reasoning' ? 'reasoning-delta' : 'text-delta';
    for (const [part, text] of texts.entries()) {
      if (text.length === 0) continue;
      const track: Track = { hold: new OutputTextHold(json), type, part, json };
      pending.push({ kind: 'segment', index, track, context: '', text, silent: true });
    }
  }

  private async judge(pending: Pending[]): Promise<StreamEvent[]> {
    const segments = pending.filter((item) => item.kind === 'segment');
    if (segments.length === 0) return pending.map((item) => (item as { event: StreamEvent }).event);
    const scan = await scanTexts(
      segments.map((segment) => ({ text: segment.context + segment.text, location: '', source: 'message' })),
      { categories: secretsOnly, maxScanChars: unbounded, cache: false },
    );
    const spans = new Map<Pending, { rule: string; start: number; end: number }[]>();
    for (const finding of scan.findings) {
      const segment = segments[finding.text]!;
      if (finding.end <= segment.context.length) continue;
      let list = spans.get(segment);
      if (!list) spans.set(segment, (list = []));
      list.push({
        rule: finding.rule,
        start: Math.max(finding.start, segment.context.length) - segment.context.length,
        end: finding.end - segment.context.length,
      });
    }
    const out: StreamEvent[] = [];
    for (const item of pending) {
      if (item.kind === 'event') {
        out.push(item.event.type === 'block-end' ? { ...item.event, block: this.replaceInBlock(item.event.block, item.event.index) } : item.event);
        continue;
      }
      const delta = this.apply(item, spans.get(item) ?? []);
      if (delta.length === 0 || item.silent) continue;
      const { index, track } = item;
      out.push(track.type === 'reasoning-delta' ? { type: 'reasoning-delta', index, delta, part: track.part } : { type: track.type, index, delta });
    }
    return out;
  }

  /** A segment's text with its findings recorded and (redact) replaced. */
  private apply(segment: Extract<Pending, { kind: 'segment' }>, spans: { rule: string; start: number; end: number }[]): string {
    let out = '';
    let at = 0;
    for (const span of spans) {
      if (span.start < at) continue;
      const raw = segment.text.slice(span.start, span.end);
      const value = segment.track.json ? unescapeJson(raw) : raw;
      if (this.options.carried.has(value)) continue;
      const where = segment.track.type === 'tool-call-delta' ? 'arguments' : segment.track.type === 'reasoning-delta' ? 'reasoning' : 'text';
      this.options.onVerdict({
        rule: span.rule,
        category: 'secrets',
        action: this.options.action,
        location: `output[${segment.index}].${where}`,
        fingerprint: fingerprintOf(value, this.options.salt),
      });
      if (this.options.action !== 'redact') continue;
      const placeholder = placeholderFor(span.rule, value, this.options.salt);
      let block = this.replaced.get(segment.index);
      if (!block) this.replaced.set(segment.index, (block = new Map()));
      block.set(raw, placeholder);
      out += segment.text.slice(at, span.start) + placeholder;
      at = span.end;
    }
    return out + segment.text.slice(at);
  }

  /** The complete block with what its deltas had replaced replaced too (encoders send both). */
  private replaceInBlock(block: ContentBlock, index: number): ContentBlock {
    const replacements = this.replaced.get(index);
    if (!replacements) return block;
    const swap = (text: string) => {
      let out = text;
      for (const [raw, placeholder] of replacements) out = out.replaceAll(raw, placeholder);
      return out;
    };
    switch (block.type) {
      case 'text':
      case 'refusal':
        return { ...block, text: swap(block.text) };
      case 'tool-call':
        return { ...block, input: swap(block.input) };
      case 'reasoning':
        return { ...block, summary: block.summary.map(swap) };
      default:
        return block;
    }
  }
}

/**
 * A non-streamed answer: every text, reasoning summary and tool-call input scanned whole, the
 * model's own secrets recorded and (redact) replaced.
 */
export async function guardResponse(response: ModelResponse, options: OutputGuardOptions): Promise<ModelResponse> {
  const events: StreamEvent[] = response.content.map((block, index) => ({ type: 'block-end', index, block }));
  if (events.length === 0) return response;
  const guarded = await new OutputGuard(options).push(events);
  const content = [...response.content];
  for (const event of guarded) if (event.type === 'block-end') content[event.index] = event.block;
  return { ...response, content };
}

function textsOf(block: ContentBlock): string[] | undefined {
  switch (block.type) {
    case 'text':
    case 'refusal':
      return [block.text];
    case 'tool-call':
      return [block.input];
    case 'reasoning':
      return block.summary;
    default:
      return undefined;
  }
}
