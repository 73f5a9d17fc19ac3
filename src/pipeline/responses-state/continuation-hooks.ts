import type { Gateway } from '../gateway.ts';
import type { ModelRequestHooks } from '../handle-model-request.ts';
import type { ConversationMemory } from './conversation-memory.ts';
import { ResponsesContinuation } from './responses-continuation.ts';

/**
 * The pipe's hooks for one Responses request: `previous_response_id` expanded, the turn
 * stored. `parsed`: the request as an object already (a WebSocket frame).
 */
export function continuationHooks(gateway: Gateway, memory?: ConversationMemory, parsed?: Record<string, unknown>): ModelRequestHooks {
  const continuation = new ResponsesContinuation({
    store: gateway.storage.responses,
    pending: gateway.pendingResponsePuts,
    retentionMs: gateway.config.responses.retentionMs,
    ...(memory ? { memory } : {}),
  });
  return { prepareBody: (raw, key, response) => continuation.prepare(raw, key, response, parsed) };
}
