import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import { responsesSurface } from '../../dialects/openai-responses/index.ts';
import { readCredential } from '../../policy/read-credential.ts';
import { sendError, sendJson } from '../client-io.ts';
import type { Gateway } from '../gateway.ts';
import { responseScope } from './responses-continuation.ts';

/**
 * `GET` / `DELETE /v1/responses/{id}`: a stored response of the caller's own key, in OpenAI's
 * shapes. Another key's id answers exactly like an id that never existed (404).
 */
export async function handleStoredResponse(
  gateway: Gateway,
  method: 'GET' | 'DELETE',
  id: string,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const requestId = String(response.getHeader('x-request-id'));
  try {
    const key = await gateway.current.keys.authenticate(readCredential(request.headers, url.searchParams));
    const scope = responseScope(key);
    await gateway.pendingResponsePuts.wait(scope, id);
    if (method === 'GET') {
      const stored = await gateway.storage.responses.get(id, scope, new Date());
      if (!stored) throw notFound(id);
      return sendJson(response, 200, stored.response);
    }
    if (!(await gateway.storage.responses.delete(id, scope))) throw notFound(id);
    sendJson(response, 200, { id, object: 'response', deleted: true });
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    sendError(response, responsesSurface.codec, error, requestId);
  }
}

function notFound(id: string): GatewayError {
  return new GatewayError({ code: 'caller_invalid_request', status: 404, message: `Response with id '${id}' not found.` });
}
