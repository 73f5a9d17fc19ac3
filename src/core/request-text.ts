/** What part of a request a text is (guardrails treat tool output and documents as untrusted). */
export type RequestTextSource = 'instructions' | 'message' | 'tool-output' | 'tool-arguments' | 'document';

/**
 * Called for every text of a request the provider would see; returns the text to keep (the
 * same string to leave it). `json` marks a string that is itself JSON (tool-call arguments):
 * a replacement must keep it valid JSON.
 */
export type RequestTextVisitor = (text: string, location: string, source: RequestTextSource, json: boolean) => string;

/** Maps every string leaf of a JSON value (tool-call input objects, function responses), copying only what changes. */
export function mapStringLeaves(value: unknown, location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown {
  if (typeof value === 'string') return visit(value, location, source, false);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, index) => {
      const mapped = mapStringLeaves(item, `${location}[${index}]`, source, visit);
      if (mapped !== item) (out ??= [...value])[index] = mapped;
    });
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const mapped = mapStringLeaves(item, `${location}.${key}`, source, visit);
      if (mapped !== item) (out ??= { ...(value as Record<string, unknown>) })[key] = mapped;
    }
    return out ?? value;
  }
  return value;
}

/** `array[index]` replaced, copying the array only when the item changed. */
export function mapArray<T>(items: readonly T[], map: (item: T, index: number) => T): T[] {
  let out: T[] | undefined;
  items.forEach((item, index) => {
    const mapped = map(item, index);
    if (mapped !== item) (out ??= [...items])[index] = mapped;
  });
  return out ?? (items as T[]);
}

/** `object[key]` replaced, copying the object only when the value changed. */
export function withField(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return object[key] === value ? object : { ...object, [key]: value };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
