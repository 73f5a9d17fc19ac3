import type { ServerResponse } from 'node:http';
import { SseDecoder } from '../../core/sse-decoder.ts';
import { parsedJsonOf } from '../../core/parsed-json.ts';

const terminalTypes = new Set(['response.completed', 'response.incomplete']);

/**
 * Watches what is written to the client for the finished Responses `response` object (the
 * `response.completed` / `response.incomplete` event of a stream, or a 200 JSON answer) and
 * hands it over the moment it passes, before the client can act on it. Only terminal events
 * are parsed.
 */
export function tapTerminalResponse(response: ServerResponse, stream: boolean, onResponse: (response: Record<string, unknown>) => void): void {
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  const decoder = stream ? new SseDecoder() : undefined;
  const json: Uint8Array[] = [];
  let done = false;
  let sawBytes = false;
  const see = (chunk: unknown): void => {
    if (done || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (response.statusCode !== 200) return;
    // The translated path writes strings: the decoder reads them as they are (no copy to bytes and
    // back) unless bytes came before, whose split characters must be completed first.
    if (chunk instanceof Uint8Array) sawBytes = true;
    const piece = typeof chunk === 'string' ? (sawBytes ? Buffer.from(chunk) : chunk) : chunk instanceof Uint8Array ? chunk : undefined;
    if (piece === undefined) return;
    if (!decoder) {
      // Kept as written (node:http queues the same buffer, so the writer does not reuse it).
      json.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
      return;
    }
    for (const event of decoder.push(piece)) {
      if (!event.data.includes('"response.completed"') && !event.data.includes('"response.incomplete"')) continue;
      const parsed = parse(event.data);
      if (!parsed || !terminalTypes.has(String(parsed.type))) continue;
      const finished = parsed.response;
      if (finished && typeof finished === 'object' && !Array.isArray(finished)) {
        done = true;
        onResponse(finished as Record<string, unknown>);
      }
    }
  };
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    see(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    see(chunk);
    if (!decoder && !done && json.length > 0) {
      const known = json.length === 1 ? parsedJsonOf(json[0]!) : undefined;
      const parsed = isObject(known) ? known : parse(Buffer.concat(json).toString('utf8'));
      if (parsed && parsed.object === 'response' && typeof parsed.id === 'string') {
        done = true;
        onResponse(parsed);
      }
    }
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
