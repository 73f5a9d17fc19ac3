// Strict Vertex AI front (aiplatform.googleapis.com) for tests: Gemini under
// `publishers/google` (generateContent, streamGenerateContent?alt=sse) and Claude under
// `publishers/anthropic` (rawPredict, streamRawPredict). Only bearer tokens issued by the test's
// token server (the service-account JWT flow) pass, else the recorded 401 UNAUTHENTICATED; the
// project and location must be this emulator's. The model logic and validation are those of the
// Gemini and Anthropic emulators behind it: the request is rewritten to their direct API
// (key added, model from the path) and the answer relayed as Vertex relays it. Text embeddings
// (`:predict`) are answered here.
// Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { isPlainObject, startFakeServer, writeJson } from './fake-http.ts';
import { fakeEmbedding } from './fake-embedding.ts';
import { forwardToEmulator } from './forward-to-emulator.ts';
import type { RecordedRequest } from './scenario.ts';

export type VertexEmulatorOptions = {
  project: string;
  location: string;
  isValidToken(token: string): boolean;
  /** The Gemini emulator's base URL (without /v1beta) and key. */
  gemini?: { url: string; apiKey: string };
  /** The Anthropic emulator's base URL (without /v1) and key. */
  anthropic?: { url: string; apiKey: string };
};

export type VertexEmulator = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

const routePattern = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;
const unauthenticated = {
  code: 401,
  message:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  status: 'UNAUTHENTICATED',
};

export async function startVertexEmulator(options: VertexEmulatorOptions): Promise<VertexEmulator> {
  const requests: RecordedRequest[] = [];
  const googleError = (response: ServerResponse, code: number, status: string, message: string) =>
    writeJson(response, code, { error: { code, message, status } });

  const server = await startFakeServer(async (request, response) => {
    const url = new URL(request.url, 'http://emulator');
    const route = routePattern.exec(url.pathname);
    const auth = request.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!options.isValidToken(token)) {
      return writeJson(
        response,
        401,
        { error: { ...unauthenticated, details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' }] } },
        {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
        },
      );
    }
    if (request.method !== 'POST' || !route) return googleError(response, 404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
    const [, project = '', location = '', publisher, model = '', method = ''] = route;
    if (decodeURIComponent(project) !== options.project) {
      return googleError(
        response,
        403,
        'PERMISSION_DENIED',
        `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}/publishers/${publisher}/models/${model}' (or it may not exist).`,
      );
    }
    if (decodeURIComponent(location) !== options.location)
      return googleError(
        response,
        404,
        'NOT_FOUND',
        `Publisher Model \`projects/${project}/locations/${location}/publishers/${publisher}/models/${model}\` not found.`,
      );
    if (publisher === 'google' && method === 'predict') return predictEmbeddings(request, response, decodeURIComponent(model));
    if (publisher === 'google') return relayGemini(request, response, url, decodeURIComponent(model), method);
    return relayAnthropic(request, response, decodeURIComponent(model), method);
  }, requests);

  async function relayGemini(request: RecordedRequest, response: ServerResponse, url: URL, model: string, method: string) {
    const gemini = options.gemini;
    if (!gemini || !['generateContent', 'streamGenerateContent', 'countTokens'].includes(method)) {
      return googleError(response, 404, 'NOT_FOUND', `Publisher Model \`publishers/google/models/${model}\` not found.`);
    }
    // Vertex takes no API key on these paths (a key here is a 401 like any missing token).
    if (url.searchParams.has('key'))
      return googleError(
        response,
        401,
        'UNAUTHENTICATED',
        'API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal.',
      );
    const query = url.searchParams.get('alt') === 'sse' ? '?alt=sse' : '';
    const inner = await forwardToEmulator(
      `${gemini.url}/v1beta/models/${encodeURIComponent(model)}:${method}${query}`,
      { 'x-goog-api-key': gemini.apiKey },
      request.body,
    );
    await relay(response, inner);
  }

  async function relayAnthropic(request: RecordedRequest, response: ServerResponse, model: string, method: string) {
    const anthropic = options.anthropic;
    if (!anthropic || (method !== 'rawPredict' && method !== 'streamRawPredict')) {
      return googleError(response, 404, 'NOT_FOUND', `Publisher Model \`publishers/anthropic/models/${model}\` not found.`);
    }
    const body = request.body;
    const invalid = (message: string) => writeJson(response, 400, { type: 'error', error: { type: 'invalid_request_error', message } });
    if (!isPlainObject(body)) return invalid('There was an error parsing the body of your request.');
    if (body.anthropic_version !== 'vertex-2023-10-16')
      return invalid(`anthropic_version: expected 'vertex-2023-10-16', got ${JSON.stringify(body.anthropic_version)}`);
    if ('model' in body) return invalid('model: Extra inputs are not permitted');
    if (method === 'streamRawPredict' && body.stream !== true) return invalid('streamRawPredict requires "stream": true');
    const { anthropic_version: _version, ...rest } = body;
    // Vertex model ids carry the date after `@` (claude-sonnet-4-5@20250929).
    const headers: Record<string, string> = { 'x-api-key': anthropic.apiKey, 'anthropic-version': '2023-06-01' };
    const beta = request.headers['anthropic-beta'];
    if (typeof beta === 'string') headers['anthropic-beta'] = beta;
    const inner = await forwardToEmulator(`${anthropic.url}/v1/messages`, headers, { ...rest, model: model.replace('@', '-') });
    await relay(response, inner);
  }

  return { url: server.origin, requests, close: () => server.close() };
}

/** Vertex text embeddings `predict`: `instances[].content`, `parameters.outputDimensionality`; token counts in `statistics`. */
function predictEmbeddings(request: RecordedRequest, response: ServerResponse, model: string) {
  const fail = (message: string) => writeJson(response, 400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  if (!['gemini-embedding-001', 'text-embedding-005', 'text-multilingual-embedding-002'].includes(model)) {
    return writeJson(response, 404, { error: { code: 404, message: `Publisher Model \`publishers/google/models/${model}\` not found.`, status: 'NOT_FOUND' } });
  }
  const body = request.body;
  if (!isPlainObject(body) || !Array.isArray(body.instances) || body.instances.length === 0)
    return fail('Invalid JSON payload received. `instances` is required.');
  // gemini-embedding-001 takes one instance per request on Vertex.
  if (model === 'gemini-embedding-001' && body.instances.length > 1)
    return fail('Unable to submit request because the model only supports 1 instance per request.');
  const size = body.parameters?.outputDimensionality ?? (model === 'gemini-embedding-001' ? 3072 : 768);
  const predictions = [];
  for (const instance of body.instances) {
    if (!isPlainObject(instance) || typeof instance.content !== 'string') return fail('Invalid JSON payload received. instances[].content must be a string.');
    const tokens = Math.max(1, Math.ceil(instance.content.length / 4));
    predictions.push({ embeddings: { values: fakeEmbedding(instance.content, size), statistics: { truncated: false, token_count: tokens } } });
  }
  writeJson(response, 200, {
    predictions,
    metadata: { billableCharacterCount: body.instances.reduce((sum: number, instance: { content: string }) => sum + instance.content.length, 0) },
  });
}

async function relay(response: ServerResponse, inner: { status: number; headers: Headers; body: ReadableStream<Uint8Array> | null }) {
  response.writeHead(inner.status, { 'content-type': inner.headers.get('content-type') ?? 'application/json' });
  if (inner.body) for await (const chunk of inner.body as unknown as AsyncIterable<Uint8Array>) response.write(chunk);
  response.end();
}
