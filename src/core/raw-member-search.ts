/** JSON's insignificant whitespace (RFC 8259 §2). */
function isJsonWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Whether raw JSON may hold a member `"name": "<valuePrefix>…"` anywhere, with any whitespace
 * around the colon: a byte search, so a passthrough body that certainly has no such member is
 * never parsed. False means no member spelled with plain (unescaped) characters exists; a
 * `\u`-escaped name or value is not recognised (callers use this for fidelity adaptations,
 * where a miss is the provider's own visible 400, never a leak).
 */
export function mayHoldMember(raw: Buffer, name: string, valuePrefix: string): boolean {
  const key = `"${name}"`;
  const value = Buffer.from(`"${valuePrefix}`);
  for (let at = raw.indexOf(key); at !== -1; at = raw.indexOf(key, at + 1)) {
    let index = at + key.length;
    while (isJsonWhitespace(raw[index])) index++;
    if (raw[index] !== 0x3a) continue; // ':' — otherwise the text was a value, not a key
    index++;
    while (isJsonWhitespace(raw[index])) index++;
    if (raw.subarray(index, index + value.length).equals(value)) return true;
  }
  return false;
}
