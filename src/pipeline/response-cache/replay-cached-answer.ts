import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ClientContext } from '../../core/dialect.ts';
import type { ModelRequest, ModelResponse } from '../../core/ir/index.ts';
import { responseEvents } from '../../core/ir/response-events.ts';
import type { Surface } from '../../core/surface.ts';
import { sendJson } from '../client-io.ts';
import { modelHeaders } from '../model-headers.ts';
import type { RequestContext } from '../request-context.ts';
import type { CacheEnvelope } from './response-cache.ts';

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An id shaped like the stored one (its `msg_` / `resp_` / `chatcmpl-` prefix and length kept), fresh characters after it. */
export function freshId(id: string): string {
  const prefix = /^[A-Za-z]+[_-]/.exec(id)?.[0] ?? '';
  const length = Math.max(16, id.length - prefix.length);
  const bytes = randomBytes(length);
  let rest = '';
  for (const byte of bytes) rest += alphabet[byte % alphabet.length];
  return prefix + rest;
}

/**
 * Answers from a cache entry: the stored IR response re-encoded by the client's own codec, as
 * JSON or as a complete stream (every event, the usage, the terminal event), with a fresh id
 * and creation time. The context records a hit: no cost, the original cost as saved.
 */
export function replayCachedAnswer(envelope: CacheEnvelope, surface: Surface, context: RequestContext, request: ModelRequest, response: ServerResponse): void {
  context.cacheResult = 'hit';
  context.costSavedMicros = envelope.costMicros;
  context.provider = envelope.provider;
  context.servedModel = envelope.servedModel;
  context.status = 200;
  const stored = envelope.response;
  const answer: ModelResponse = {
    ...stored,
    id: freshId(stored.id),
    // Seconds in the IR; a stored value in milliseconds keeps its unit.
    createdAt: stored.createdAt > 100_000_000_000 ? Date.now() : Math.floor(Date.now() / 1000),
    ...(envelope.usage && !stored.usage ? { usage: envelope.usage } : {}),
  };
  const client: ClientContext = { requestedModel: context.model ?? envelope.servedModel, request, warnings: context.warnings, requestId: context.requestId };
  context.markFirstByte();
  if (!request.stream) {
    sendJson(response, 200, surface.codec.encodeResponse(answer, client), modelHeaders(context, 0));
    return;
  }
  const encoder = surface.codec.createStreamEncoder(client);
  const text = [...responseEvents(answer).flatMap((event) => encoder.push(event)), ...encoder.finish()].join('');
  response.writeHead(200, { ...modelHeaders(context, 0), 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.end(text);
}
