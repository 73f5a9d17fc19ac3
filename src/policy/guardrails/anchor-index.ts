/**
 * One pass over a text for many pre-filters at once. Each pre-filter is registered under the
 * literal its matches start with (its anchor, at least two ASCII characters); the pass reads
 * each character once, looks the pair it ends up in a table, and only where a registered pair
 * starts does it compare the rest of the anchor and run the pre-filter's own regex, sticky, at
 * that position. V8 runs one literal regex over 100 KB in ~0.07 ms but an alternation of many
 * literals, or many passes, in milliseconds: the pair table is what keeps the cost flat in the
 * number of rules (docs/guardrails.md, "Cost").
 */
export interface Anchor<Target> {
  target: Target;
  /** Compared exactly after the pair matched (omit for case-insensitive anchors registered per spelling of their pair). */
  literal?: string;
  /** The pre-filter, compiled sticky (`y`): run at the anchor's position; its match length bounds the window. */
  trigger: RegExp;
}

export class AnchorIndex<Target> {
  private readonly pairs: (Anchor<Target>[] | undefined)[] = new Array(128 * 128);
  /** 1 where `pairs` has anchors: a byte table the pass reads per character (16 KB, stays in cache). */
  private readonly registered = new Uint8Array(128 * 128);

  /** `pair`: the anchor's first two characters (ASCII). */
  add(pair: string, anchor: Anchor<Target>): void {
    const first = pair.charCodeAt(0);
    const second = pair.charCodeAt(1);
    if (pair.length < 2 || first >= 128 || second >= 128) throw new Error(`an anchor starts with two ASCII characters: ${JSON.stringify(pair)}`);
    const key = (first << 7) | second;
    (this.pairs[key] ??= []).push(anchor);
    this.registered[key] = 1;
  }

  /**
   * Calls `hit` for every position where an anchor and its trigger match (with the match's
   * end), and `other` for every character outside ASCII (callers watch for invisible and
   * look-alike characters there).
   */
  scan(text: string, hit: (target: Target, start: number, end: number) => void, other: (code: number, index: number) => void): void {
    const length = text.length;
    if (length === 0) return;
    const registered = this.registered;
    let previous = text.charCodeAt(0);
    if (previous >= 128) other(previous, 0);
    for (let index = 1; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code < 128) {
        if (previous < 128) {
          const key = (previous << 7) | code;
          if (registered[key] === 1) this.check(this.pairs[key]!, text, index - 1, hit);
        }
      } else {
        other(code, index);
      }
      previous = code;
    }
  }

  /**
   * Whether any anchor's literal occurs in UTF-8 bytes (its trigger not run: for text that is
   * not yet what the rules will see, such as a JSON body before parsing), or `other` says yes
   * for a character outside ASCII (as a UTF-16 code unit: the lead surrogate for characters
   * beyond the BMP). `bytes` is the bytes as a Latin-1 string (one character per byte, a copy,
   * no decoding: V8 reads strings faster than a Buffer here). Stops at the first.
   */
  anyLiteral(bytes: string, other: (code: number) => boolean): boolean {
    const length = bytes.length;
    const registered = this.registered;
    let previous = 0x80;
    for (let index = 0; index < length; index++) {
      const byte = bytes.charCodeAt(index);
      if (byte < 0x80) {
        if (previous < 0x80) {
          const key = (previous << 7) | byte;
          if (registered[key] === 1 && this.literalAt(bytes, index - 1, this.pairs[key]!)) return true;
        }
        previous = byte;
        continue;
      }
      previous = 0x80;
      // A lead byte starts a character; continuation bytes (10xxxxxx) were read with it.
      if (byte >= 0xc0 && other(utf16Lead(bytes, index, byte))) return true;
    }
    return false;
  }

  private literalAt(bytes: string, at: number, anchors: Anchor<Target>[]): boolean {
    for (const anchor of anchors) if (anchor.literal === undefined || bytes.startsWith(anchor.literal, at)) return true;
    return false;
  }

  private check(anchors: Anchor<Target>[], text: string, at: number, hit: (target: Target, start: number, end: number) => void): void {
    for (const anchor of anchors) {
      if (anchor.literal !== undefined && !text.startsWith(anchor.literal, at)) continue;
      anchor.trigger.lastIndex = at;
      const match = anchor.trigger.exec(text);
      if (match !== null) hit(anchor.target, at, at + match[0].length);
    }
  }
}

/** The UTF-16 code unit (the lead surrogate beyond the BMP) of the UTF-8 character whose lead byte is at `index`. */
function utf16Lead(bytes: string, index: number, lead: number): number {
  const next = (offset: number) => (index + offset < bytes.length ? bytes.charCodeAt(index + offset) & 0x3f : 0);
  if (lead < 0xe0) return ((lead & 0x1f) << 6) | next(1);
  if (lead < 0xf0) return ((lead & 0x0f) << 12) | (next(1) << 6) | next(2);
  const codePoint = ((lead & 0x07) << 18) | (next(1) << 12) | (next(2) << 6) | next(3);
  return 0xd800 + ((codePoint - 0x10000) >> 10);
}
