import { decodeJsonText } from '../core/decode-json-text.ts';
import { log } from '../core/log.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import type { DialectCodec } from '../core/dialect.ts';

/**
 * Reads a request body up to a byte limit (413 past it, without buffering the rest) and a pause
 * limit between chunks (408). Listens for the stream's events with one timer refreshed per chunk
 * (an async iterator and a new timer per chunk cost ~1.5 % of a passthrough request); ends as
 * `for await` did: the request is destroyed when reading stops early.
 */
export async function readBody(request: IncomingMessage, limit: number, idleMs = 30_000): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (request.readableEnded) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle = false;
    let settled = false;
    const stalled = () => new GatewayError({ code: 'caller_invalid_request', status: 408, message: `The request body stalled for more than ${idleMs} ms.` });
    // A client that stops sending mid-body holds a socket and a slot: it gets 408 and the socket is closed.
    const timer = setTimeout(() => {
      idle = true;
      request.destroy();
    }, idleMs);
    const finish = (error: unknown, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (idle) reject(stalled());
      else if (error !== undefined) reject(error);
      else resolve(body!);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge(limit));
        request.destroy();
        return;
      }
      chunks.push(chunk);
      timer.refresh();
    }
    function onEnd(): void {
      finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    }
    function onError(error: unknown): void {
      finish(error);
    }
    function onClose(): void {
      finish(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
    if (request.destroyed) onClose();
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError({ code: 'caller_request_too_large', message: `The request body is larger than the ${limit} byte limit.` });
}

export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(decodeJsonText(raw));
  } catch {
    throw new GatewayError({ code: 'caller_invalid_request', message: 'The request body is not valid JSON.' });
  }
}

/**
 * Anything thrown while answering, as a gateway error: an unexpected one is logged here and
 * becomes a 500 that reveals nothing but the request id.
 */
export function asGatewayError(error: unknown, requestId: string): GatewayError {
  if (isGatewayError(error)) return error;
  log.error(`[${requestId}]`, error);
  return new GatewayError({ code: 'gateway_internal', message: `Internal gateway error (request ${requestId}).` });
}

/** Answers an error in the caller's own dialect shape, always with `x-request-id`. Returns the status sent. */
export function sendError(response: ServerResponse, codec: Pick<DialectCodec, 'encodeError'>, error: GatewayError, requestId: string): number {
  const encoded = codec.encodeError(error.toShape());
  sendJson(response, encoded.status, encoded.body, { ...encoded.headers, 'x-request-id': requestId });
  return encoded.status;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Writes honouring backpressure. Returns `true` when written and the socket can take more,
 * `false` when the client is gone, or a promise when the caller must wait for `drain`: the
 * common case costs no promise (this runs once per forwarded chunk).
 */
export function writeChunk(response: ServerResponse, chunk: Uint8Array | string): boolean | Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  return Promise.race([once(response, 'drain'), once(response, 'close')]).then(() => !response.destroyed);
}
