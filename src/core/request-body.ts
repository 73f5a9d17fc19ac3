import { invalidRequest } from './errors.ts';
import { decodeJsonText } from './decode-json-text.ts';
import { scanLeadingScalars, type LeadingScalar } from './scan-leading-scalars.ts';
import { scanTopLevelMembers, type MemberSpan } from './scan-top-level-members.ts';

/**
 * A JSON request body read lazily. The passthrough path routes on leading scalars read
 * straight from the bytes; the full parse happens only when something needs the rest
 * (translation, routing rules, validation). A leading member is trusted only when its key
 * appears nowhere else in the body, so a duplicate key (which an upstream parser would
 * resolve differently) can never make routing and the upstream disagree.
 */
export class RequestBody {
  private parsed: Record<string, unknown> | undefined;
  private readonly leading: Map<string, LeadingScalar>;
  /** Whether each leading member's key is unique in the body (each answer costs a scan). */
  private readonly unique = new Map<string, boolean>();
  /** Where each top-level member's value lies in the bytes (null: not scanned yet; undefined: the scan could not vouch). */
  private spans: Map<string, MemberSpan> | undefined | null = null;

  constructor(readonly raw: Buffer) {
    this.leading = scanLeadingScalars(raw);
  }

  /**
   * A body the gateway built itself from an object it holds (a continuation expanded into the
   * whole conversation): the parse is already known, so nothing reads the bytes back.
   */
  static fromParsed(fields: Record<string, unknown>): RequestBody {
    const body = new RequestBody(Buffer.from(JSON.stringify(fields)));
    body.parsed = fields;
    return body;
  }

  /** The whole body as an object; 400 when it is not a JSON object. */
  fields(): Record<string, unknown> {
    if (this.parsed) return this.parsed;
    // V8's JSON.parse does not recurse, so the depth is checked on the parsed value (a walk over
    // its containers, stopping at the limit) instead of a JavaScript loop over every byte; the
    // byte count runs only to word the refusal.
    let value: unknown;
    try {
      value = JSON.parse(decodeJsonText(this.raw));
    } catch {
      refuseDeepNesting(this.raw);
      throw invalidRequest('The request body is not valid JSON.');
    }
    if (nestsDeeperThan(value, maxNestingDepth)) refuseDeepNesting(this.raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('The request body must be a JSON object.');
    this.parsed = value as Record<string, unknown>;
    return this.parsed;
  }

  /** Whether the whole body has been parsed already (reading any member is then free). */
  isParsed(): boolean {
    return this.parsed !== undefined;
  }

  /** A top-level member, from the bytes when that is unambiguous, else from the parse. */
  member(name: string): unknown {
    const leading = this.trustedLeading(name);
    return leading ? leading.value : this.fields()[name];
  }

  /**
   * A leading member read without the uniqueness scan. Only for members where a contradicting
   * duplicate can hurt nobody but the sender (the `stream` flag: a body that says both breaks
   * its own answer, and its usage is still billed by estimate); never for `model`, which
   * decides routing, allowlists and price.
   */
  leadingMember(name: string): unknown {
    if (!this.parsed) {
      const leading = this.leading.get(name);
      if (leading) return leading.value;
    }
    return this.member(name);
  }

  /**
   * A member that is usually absent: when its name appears nowhere in the bytes it is
   * absent without parsing anything.
   */
  optionalMember(name: string): unknown {
    if (!this.parsed && !this.leading.has(name) && this.raw.indexOf(`"${name}"`) === -1) return undefined;
    return this.member(name);
  }

  /**
   * The body with one top-level string member replaced: a byte splice when possible. A member
   * that is not a leading scalar is spliced too once the body has been parsed (so it is known
   * valid) and one pass over the bytes located it unambiguously; re-serializing a 38 KB Codex
   * body to namespace its `prompt_cache_key` cost ~10 % of a passthrough request.
   */
  withMember(name: string, value: string): Buffer {
    const span = this.trustedLeading(name) ?? this.parsedMemberSpan(name);
    if (span) {
      const replacement = Buffer.from(JSON.stringify(value));
      return Buffer.concat([this.raw.subarray(0, span.start), replacement, this.raw.subarray(span.end)]);
    }
    return Buffer.from(JSON.stringify({ ...this.fields(), [name]: value }));
  }

  /**
   * `withMember` as a body that keeps what this one knows: its parse, with the member replaced
   * (the bytes say exactly that), and which leading keys are unique (a spliced string value adds
   * no key). So the rest of the pipe neither parses the rewritten body again nor rescans it.
   */
  withMemberBody(name: string, value: string): RequestBody {
    const next = new RequestBody(this.withMember(name, value));
    if (this.parsed) next.parsed = { ...this.parsed, [name]: value };
    for (const [key, unique] of this.unique) if (key !== name) next.unique.set(key, unique);
    return next;
  }

  /**
   * The body with a top-level member set to any JSON value. When the body does not mention the
   * member at all it is spliced in after the opening brace, without parsing the rest.
   */
  withAddedMember(name: string, value: unknown): Buffer {
    const open = this.raw.indexOf(0x7b); // '{'
    if (!this.parsed && open !== -1 && this.raw.indexOf(`"${name}"`) === -1) {
      const rest = this.raw.subarray(open + 1);
      const empty = rest.toString('latin1').trim() === '}';
      const member = Buffer.from(`${JSON.stringify(name)}:${JSON.stringify(value)}${empty ? '' : ','}`);
      return Buffer.concat([this.raw.subarray(0, open + 1), member, rest]);
    }
    return Buffer.from(JSON.stringify({ ...this.fields(), [name]: value }));
  }

  /** A member's byte span in a body already parsed (valid JSON); undefined when the scan cannot vouch for it. */
  private parsedMemberSpan(name: string): MemberSpan | undefined {
    if (!this.parsed || !Object.hasOwn(this.parsed, name)) return undefined;
    if (this.spans === null) this.spans = scanTopLevelMembers(this.raw);
    return this.spans?.get(name);
  }

  private trustedLeading(name: string): LeadingScalar | undefined {
    if (this.parsed) return undefined;
    const leading = this.leading.get(name);
    if (!leading) return undefined;
    let unique = this.unique.get(name);
    if (unique === undefined) {
      unique = this.raw.indexOf(`"${name}"`, leading.end) === -1;
      this.unique.set(name, unique);
    }
    return unique ? leading : undefined;
  }
}

/** Deeper JSON is no request a client sends; decoders and serializers recurse on it. */
export const maxNestingDepth = 128;

function refuseDeepNesting(raw: Buffer): void {
  const depth = nestingDepth(raw);
  if (depth > maxNestingDepth)
    throw invalidRequest(`The request body nests ${depth > 10_000 ? 'more than 10000' : depth} levels deep; at most ${maxNestingDepth} are accepted.`);
}

/** Whether a parsed JSON value has more than `limit` levels of arrays and objects (recursion bounded by `limit`). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && nestsDeeperThan(item, limit - 1)) return true;
  }
  return false;
}

/** The deepest `[`/`{` nesting outside strings, in one pass over the bytes (stops counting past 10,001). */
export function nestingDepth(raw: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index]!;
    if (inString) {
      if (byte === 0x5c)
        index++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > 10_000) return deepest;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return deepest;
}
