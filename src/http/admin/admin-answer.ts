import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { log } from '../../core/log.ts';
import { isGatewayError } from '../../core/errors.ts';
import { openaiResponsesCodec } from '../../dialects/openai-responses/index.ts';
import { sendJson } from '../../pipeline/client-io.ts';

/** What every admin answer carries: a request id (unless the router set one) and `no-store`. */
export function startAdminAnswer(response: ServerResponse): void {
  if (!response.hasHeader('x-request-id')) response.setHeader('x-request-id', `req_${randomBytes(12).toString('hex')}`);
  response.setHeader('cache-control', 'no-store');
}

/** A failed admin call in OpenAI's error shape, like every other answer on the OpenAI-style surfaces; anything unexpected is logged and answered 500. */
export function sendAdminError(response: ServerResponse, error: unknown): void {
  if (isGatewayError(error)) {
    const encoded = openaiResponsesCodec.encodeError(error.toShape());
    return sendJson(response, encoded.status, encoded.body, encoded.headers);
  }
  log.error('admin API error', error);
  sendJson(response, 500, { error: { message: 'Internal gateway error.', type: 'server_error', code: 'server_error', param: null } });
}
