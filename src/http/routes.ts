import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import type { Gateway } from '../pipeline/gateway.ts';
import { handleModelRequest } from '../pipeline/handle-model-request.ts';
import { dialects } from '../dialects/registry.ts';
import { geminiPathModel } from '../dialects/gemini/index.ts';
import { handleCountTokens } from '../pipeline/handle-count-tokens.ts';
import { handleEmbeddings } from '../pipeline/embeddings/handle-embeddings.ts';
import { readCredential } from '../policy/read-credential.ts';
import { sendError, sendJson } from '../pipeline/client-io.ts';
import { handleAdminRequest, requireMasterKey } from './admin/admin-routes.ts';
import { handleMetrics, handleObservabilityAdmin } from './admin/observability-routes.ts';
import { handleReload } from './admin/reload-route.ts';
import { continuationHooks } from '../pipeline/responses-state/continuation-hooks.ts';
import { handleStoredResponse } from '../pipeline/responses-state/handle-stored-response.ts';
import { handleCompact } from '../pipeline/responses-state/handle-compact.ts';

const responsesSurface = dialects['openai-responses'];
const chatSurface = dialects['openai-chat'];
const messagesSurface = dialects['anthropic-messages'];
const geminiSurface = dialects.gemini;

/** Routes one request. The only place that maps URLs to handlers. */
export async function route(gateway: Gateway, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://gateway.local');
  const path = url.pathname;
  const method = request.method ?? 'GET';

  if (method === 'POST') {
    if (path === '/v1/responses' || path === '/responses')
      return handleModelRequest(gateway, responsesSurface, request, response, url, continuationHooks(gateway));
    if (path === '/v1/responses/compact' || path === '/responses/compact') return handleCompact(gateway, request, response, url);
    if (path === '/v1/chat/completions' || path === '/chat/completions') return handleModelRequest(gateway, chatSurface, request, response, url);
    if (path === '/v1/embeddings' || path === '/embeddings') return handleEmbeddings(gateway, request, response, url);
    if (path === '/v1/messages') return handleModelRequest(gateway, messagesSurface, request, response, url);
    if (path === '/v1/messages/count_tokens') return handleCountTokens(gateway, messagesSurface, request, response, url);
    if (geminiPathModel(path) !== undefined) {
      if (path.endsWith(':generateContent') || path.endsWith(':streamGenerateContent'))
        return handleModelRequest(gateway, geminiSurface, request, response, url);
      if (path.endsWith(':countTokens')) return handleCountTokens(gateway, geminiSurface, request, response, url);
    }
  }
  const requestId = `req_${randomBytes(12).toString('hex')}`;
  response.setHeader('x-request-id', requestId);
  if (method === 'GET' && path === '/health') return sendJson(response, 200, { status: 'ok' });
  if (method === 'GET' && path === '/ready') return ready(gateway, response);
  if (method === 'GET' && path === '/metrics') return handleMetrics(gateway.metrics, response);
  if (method === 'GET' && (path === '/v1/models' || path === '/models')) return listModels(gateway, request, response, url);
  if ((method === 'HEAD' || method === 'GET') && path === '/api/hello') {
    // Claude Code probes this on start; any 2xx/404 is fine, 200 avoids a noisy log line.
    response.writeHead(200, { 'content-length': 0 });
    return void response.end();
  }
  const storedId = storedResponseId(path);
  if (storedId !== undefined && (method === 'GET' || method === 'DELETE')) return handleStoredResponse(gateway, method, storedId, request, response, url);
  if (path === '/admin/reload') return handleReload(gateway, request, response);
  if (path.startsWith('/admin/')) {
    const runtime = gateway.current;
    if (await handleAdminRequest({ config: runtime.config, keys: gateway.storage.keys, directory: runtime.keys }, request, response, url)) return;
    const observability = {
      logs: gateway.storage.logs,
      spend: gateway.storage.spend,
      authorize: (incoming: IncomingMessage) => requireMasterKey(runtime.config, incoming),
      attributes: Object.keys(runtime.config.attribution.headers),
      models: runtime.config.models,
    };
    if (await handleObservabilityAdmin(observability, request, response, url)) return;
  }
  const error = new GatewayError({ code: 'caller_invalid_request', status: 404, message: `No route for ${method} ${path}.` });
  sendError(response, surfaceForPath(path).codec, error, requestId);
}

async function ready(gateway: Gateway, response: ServerResponse): Promise<void> {
  // Redis down is reported, not a 503: keys without budgets or limits are still served.
  const coordination = gateway.coordination ? { coordination: await readyState(gateway.coordination) } : {};
  // Each dependency on its own: the storage backend, whether it takes writes, what waits in its outbox (decision 0008).
  const outbox = gateway.storage.stats ? { outbox_rows: gateway.storage.stats().outboxRows } : {};
  try {
    await gateway.storage.ping();
    const status = coordination.coordination === 'unavailable' ? 'degraded' : 'ready';
    sendJson(response, 200, { status, storage: gateway.storage.kind, storage_state: 'ready', ...outbox, ...coordination });
  } catch {
    sendJson(response, 503, { status: 'unavailable', storage: gateway.storage.kind, storage_state: 'unavailable', ...outbox, ...coordination });
  }
}

async function listModels(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  try {
    const runtime = gateway.current;
    const key = await runtime.keys.authenticate(readCredential(request.headers, url.searchParams));
    const created = Math.floor(Date.now() / 1000);
    // OpenAI's shape, plus `display_name` for Claude Code's gateway model discovery.
    const data = runtime.resolver.visibleModels(key).map((id) => ({ id, object: 'model', created, owned_by: 'switchyard', display_name: id }));
    sendJson(response, 200, { object: 'list', data });
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    sendError(response, responsesSurface.codec, error, String(response.getHeader('x-request-id')));
  }
}

/** `/v1/responses/{id}` → the id (a single path segment), else undefined. */
function storedResponseId(path: string): string | undefined {
  const prefix = path.startsWith('/v1/responses/') ? '/v1/responses/' : path.startsWith('/responses/') ? '/responses/' : undefined;
  if (!prefix) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return undefined;
  }
  return id !== '' && !id.includes('/') && id !== 'compact' ? id : undefined;
}

/** Errors outside a model route still answer in the shape the caller's client expects. */
function surfaceForPath(path: string) {
  if (path.startsWith('/v1/messages')) return messagesSurface;
  if (path.startsWith('/v1beta/') || path.startsWith('/v1alpha/')) return geminiSurface;
  return responsesSurface;
}

async function readyState(coordination: { ping(): Promise<void> }): Promise<'connected' | 'unavailable'> {
  try {
    await coordination.ping();
    return 'connected';
  } catch {
    return 'unavailable';
  }
}
