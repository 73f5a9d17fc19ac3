import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../../config/config-error.ts';
import { isGatewayError } from '../../core/errors.ts';
import { openaiResponsesCodec } from '../../dialects/openai-responses/index.ts';
import type { Gateway } from '../../pipeline/gateway.ts';
import { sendJson } from '../../pipeline/client-io.ts';
import { requireMasterKey } from './require-master-key.ts';

/**
 * `POST /admin/reload` (master key only): re-reads the config like SIGHUP does. 200 with what
 * changed; 400 `invalid_config` with every error when the new config is refused, in which case
 * the running config keeps serving.
 */
export function handleReload(gateway: Gateway, request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('cache-control', 'no-store');
  try {
    requireMasterKey(gateway.config, request);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const encoded = openaiResponsesCodec.encodeError(error.toShape());
    return sendJson(response, encoded.status, encoded.body, encoded.headers);
  }
  if (request.method !== 'POST') {
    return sendJson(
      response,
      405,
      { error: { message: 'Use POST.', type: 'invalid_request_error', code: 'method_not_allowed', param: null } },
      { allow: 'POST' },
    );
  }
  if (!gateway.reloadFromSource) {
    const message = 'This gateway was started without a config source to re-read.';
    return sendJson(response, 409, { error: { message, type: 'invalid_request_error', code: 'reload_unavailable', param: null } });
  }
  try {
    const result = gateway.reloadFromSource();
    sendJson(response, 200, { status: 'reloaded', source: gateway.config.source, summary: result.summary, changes: result.changes });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const message = `The new config was refused; the running one keeps serving: ${error.message}`;
    sendJson(response, 400, { error: { message, type: 'invalid_request_error', code: 'invalid_config', param: null, errors: error.issues } });
  }
}
