import type { ServerResponse } from 'node:http';

/**
 * Calls `onBytes` with every chunk written to the client (JSON or stream bytes), before it is
 * written, by wrapping the response's own `write` and `end`: every path (passthrough, translated,
 * errors) is seen without knowing about it. The chunk is the caller's: copy it to keep it.
 */
export function tapResponseWrites(response: ServerResponse, onBytes: (bytes: Buffer) => void): void {
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') onBytes(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) onBytes(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}
