const parsed = new WeakMap<Uint8Array, unknown>();

/**
 * Remembers what a buffer of JSON parsed to, so a later reader of the same bytes (the stored
 * Responses turn reading the answer the passthrough wrote) takes the value instead of parsing
 * them again. The caller promises that neither the bytes nor the value change afterwards.
 */
export function rememberParsedJson(bytes: Uint8Array, value: unknown): void {
  parsed.set(bytes, value);
}

/** The value remembered for exactly this buffer, if any. */
export function parsedJsonOf(bytes: Uint8Array): unknown {
  return parsed.get(bytes);
}
