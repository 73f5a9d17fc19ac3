import { isRecord, type GeminiFunctionCall } from './wire.ts';

/**
 * Vertex `toolConfig.functionCallingConfig.streamFunctionCallArguments` streams a call as
 * `functionCall {name, willContinue:true}`, then `functionCall {partialArgs:[{jsonPath,
 * stringValue|numberValue|boolValue|nullValue, willContinue}], willContinue:true}` chunks, and
 * ends with an empty `functionCall {}` (recorded in
 * test/fixtures/providers/gemini/vertex-stream-function-call-arguments.recording.json). A string value continues
 * in the next fragment for the same path while its `willContinue` is true. This assembles the
 * arguments object; the gateway never asks for the flag itself.
 */
export class PartialFunctionCall {
  readonly args: Record<string, unknown> = {};
  /** Paths whose string value continues in a later fragment. */
  private readonly continuing = new Set<string>();

  constructor(
    readonly name: string,
    readonly id: string | undefined,
    readonly signature: string | undefined,
  ) {}

  /** Whether a `functionCall` part starts a streamed call. */
  static starts(call: GeminiFunctionCall): boolean {
    return typeof call.name === 'string' && call.name !== '' && call.willContinue === true && call.args === undefined;
  }

  /** Whether a `functionCall` part continues (or, empty, ends) the streamed call. */
  static continues(call: GeminiFunctionCall): boolean {
    return (call.name === undefined || call.name === '') && call.args === undefined;
  }

  /** Applies one chunk's fragments; false when a path cannot be read. */
  apply(call: GeminiFunctionCall): boolean {
    for (const fragment of call.partialArgs ?? []) {
      if (!isRecord(fragment) || typeof fragment.jsonPath !== 'string') return false;
      const path = parseJsonPath(fragment.jsonPath);
      if (path === undefined || path.length === 0) return false;
      let value: unknown;
      if (typeof fragment.stringValue === 'string') {
        const previous = this.continuing.has(fragment.jsonPath) ? readPath(this.args, path) : undefined;
        value = typeof previous === 'string' ? previous + fragment.stringValue : fragment.stringValue;
      } else if (typeof fragment.numberValue === 'number') value = fragment.numberValue;
      else if (typeof fragment.boolValue === 'boolean') value = fragment.boolValue;
      else if ('nullValue' in fragment) value = null;
      else continue;
      if (fragment.willContinue === true) this.continuing.add(fragment.jsonPath);
      else this.continuing.delete(fragment.jsonPath);
      writePath(this.args, path, value);
    }
    return true;
  }
}

/** `$.a.b[0]['c d']` → `['a', 'b', 0, 'c d']`; undefined when not of that form. */
export function parseJsonPath(jsonPath: string): Array<string | number> | undefined {
  if (!jsonPath.startsWith('$')) return undefined;
  const segments: Array<string | number> = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < jsonPath.length) {
    const match = pattern.exec(jsonPath);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'));
  }
  return segments;
}

function readPath(root: Record<string, unknown>, path: Array<string | number>): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function writePath(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((segment, position) => {
    if (position === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = path[position + 1];
    if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = typeof next === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
}
