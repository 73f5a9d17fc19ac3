/** A top-level scalar member found at the start of a JSON object, with its value's byte span. */
export interface LeadingScalar {
  value: string | number | boolean | null;
  /** Byte offsets of the value in the buffer: [start, end). */
  start: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Reads the members at the start of a JSON object while their values are plain scalars
 * (strings without escapes, numbers, true/false/null), stopping at the first object, array,
 * escape or anything unexpected. Members read this way are unambiguous top-level members,
 * so the gateway can route on `model`/`stream` without parsing a 40 KB body. Returns what it
 * read (possibly nothing); never throws.
 */
export function scanLeadingScalars(raw: Uint8Array, maxMembers = 8): Map<string, LeadingScalar> {
  const found = new Map<string, LeadingScalar>();
  let index = skipWhitespace(raw, 0);
  if (raw[index] !== 0x7b /* { */) return found;
  index++;
  for (let member = 0; member < maxMembers; member++) {
    index = skipWhitespace(raw, index);
    if (raw[index] !== QUOTE) return found;
    const keyEnd = plainStringEnd(raw, index);
    if (keyEnd === -1) return found;
    const key = Buffer.from(raw.buffer, raw.byteOffset + index + 1, keyEnd - index - 1).toString('utf8');
    index = skipWhitespace(raw, keyEnd + 1);
    if (raw[index] !== 0x3a /* : */) return found;
    index = skipWhitespace(raw, index + 1);
    const start = index;
    let value: LeadingScalar['value'];
    const first = raw[index];
    if (first === QUOTE) {
      const end = plainStringEnd(raw, index);
      if (end === -1) return found;
      value = Buffer.from(raw.buffer, raw.byteOffset + index + 1, end - index - 1).toString('utf8');
      index = end + 1;
    } else if (matches(raw, index, 'true')) {
      value = true;
      index += 4;
    } else if (matches(raw, index, 'false')) {
      value = false;
      index += 5;
    } else if (matches(raw, index, 'null')) {
      value = null;
      index += 4;
    } else if (first !== undefined && (first === 0x2d || (first >= 0x30 && first <= 0x39))) {
      let end = index;
      while (end < raw.length && isNumberByte(raw[end]!)) end++;
      value = Number(Buffer.from(raw.buffer, raw.byteOffset + index, end - index).toString('latin1'));
      if (!Number.isFinite(value)) return found;
      index = end;
    } else {
      return found;
    }
    if (found.has(key)) return found;
    found.set(key, { value, start, end: index });
    index = skipWhitespace(raw, index);
    if (raw[index] !== 0x2c /* , */) return found;
    index++;
  }
  return found;
}

function plainStringEnd(raw: Uint8Array, open: number): number {
  for (let index = open + 1; index < raw.length; index++) {
    const byte = raw[index]!;
    if (byte === QUOTE) return index;
    if (byte === BACKSLASH || byte < 0x20) return -1;
  }
  return -1;
}

function skipWhitespace(raw: Uint8Array, index: number): number {
  while (index < raw.length) {
    const byte = raw[index];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    index++;
  }
  return index;
}

function matches(raw: Uint8Array, index: number, word: string): boolean {
  for (let offset = 0; offset < word.length; offset++) if (raw[index + offset] !== word.charCodeAt(offset)) return false;
  return true;
}

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x65 || byte === 0x45;
}
