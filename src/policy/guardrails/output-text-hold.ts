import type { StreamStateMachine } from '../../core/ir/stream.ts';

/** A piece of a streamed text that can be judged now: `text` is new, `context` the released text just before it. */
export interface HeldSegment {
  context: string;
  text: string;
}

/** Look-behind a rule may need before a value (`password: "`, `Bearer `, `aws_secret_access_key = `). */
export const contextChars = 256;
/** Most text held at once: the longest secret a rule reports (a PEM key block, ~10 KB) and some. */
export const maxHeldChars = 12 * 1024;

/** Characters no secret value contains (the generic rule's value class stops at them too). */
const delimiter = /[\s"'`,;]/;
/** In a JSON string's source an escape (`\n`, `\"`) also ends a value. */
const jsonDelimiter = /[\s"'`,;\\]/;
const pemBegin = '-----BEGIN';
const pemEnd = /-----END [A-Z0-9 ]{1,40}-----/g;

/**
 * Decides how much of a streamed text (one block's deltas, cut anywhere) can be scanned and
 * released: everything up to the start of the last word (a maximal run without a delimiter),
 * since a secret is one such run and the word may still grow; from an unclosed
 * `-----BEGIN` on, since a PEM block spans lines. Never more than `maxHeldChars` is held.
 * Each released segment comes with the released text before it as context (keywords such as
 * `password=` that precede a value).
 */
export class OutputTextHold implements StreamStateMachine<string, HeldSegment> {
  private held = '';
  private released = '';

  constructor(
    /** Deltas of a JSON string's source (tool-call arguments). */
    private readonly json: boolean,
  ) {}

  push(delta: string): HeldSegment[] {
    const text = this.held + delta;
    let cut = this.wordStart(text);
    const begin = text.lastIndexOf(pemBegin, cut);
    if (begin !== -1 && !closes(text, begin)) cut = begin;
    if (text.length - cut > maxHeldChars) cut = text.length - maxHeldChars;
    return this.release(text, cut);
  }

  finish(): HeldSegment[] {
    const text = this.held;
    return text.length > 0 ? this.release(text, text.length) : [];
  }

  /** Characters currently held back. */
  get pending(): number {
    return this.held.length;
  }

  private release(text: string, cut: number): HeldSegment[] {
    this.held = text.slice(cut);
    if (cut === 0) return [];
    const segment = { context: this.released, text: text.slice(0, cut) };
    this.released = (this.released + segment.text).slice(-contextChars);
    return [segment];
  }

  /** Where the last, possibly unfinished word starts (the text's length when it ends with a delimiter). */
  private wordStart(text: string): number {
    const pattern = this.json ? jsonDelimiter : delimiter;
    for (let index = text.length - 1; index >= 0; index--) if (pattern.test(text[index]!)) return index + 1;
    return 0;
  }
}

/** Whether the PEM block opened at `begin` has its end marker in `text`. */
function closes(text: string, begin: number): boolean {
  pemEnd.lastIndex = begin;
  return pemEnd.test(text);
}
