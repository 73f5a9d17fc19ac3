// Strict embeddings emulator for the cloud embeddings paths, in the shapes of three APIs (the
// semantic cache's OpenAI-only one is embeddings-emulator.ts):
// - OpenAI `POST /v1/embeddings` (bearer key; also Azure's `/openai/v1/embeddings` with `api-key`):
//   models text-embedding-3-small (1536, `dimensions` allowed) and text-embedding-ada-002 (1536, no
//   `dimensions`); input string | string[] | token array(s); encoding_format float | base64.
// - Gemini `POST /v1beta/models/{model}:batchEmbedContents` (x-goog-api-key): every request's
//   `model` must be `models/{model}` of the URL; gemini-embedding-001 (3072, outputDimensionality).
// Unknown fields, wrong types and unknown models are refused in each API's error shape.
// Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { isPlainObject, startFakeServer, writeJson } from './fake-http.ts';
import { fakeEmbedding, fakeTokenCount } from './fake-embedding.ts';
import type { RecordedRequest } from './scenario.ts';

export type EmbeddingsApisEmulator = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

const openaiModels: Record<string, { size: number; dimensions: boolean }> = {
  'text-embedding-3-small': { size: 1536, dimensions: true },
  'text-embedding-3-large': { size: 3072, dimensions: true },
  'text-embedding-ada-002': { size: 1536, dimensions: false },
};
const openaiFields = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

export async function startEmbeddingsApisEmulator(options: {
  openaiKey: string;
  azureKey?: string;
  geminiKey?: string;
  /** Awaited before an OpenAI-shaped request is answered (a slow upstream, released by the test). */
  hold?: () => Promise<void>;
}): Promise<EmbeddingsApisEmulator> {
  const requests: RecordedRequest[] = [];
  const server = await startFakeServer(async (request, response) => {
    const path = new URL(request.url, 'http://emulator').pathname;
    if (request.method === 'POST' && path === '/v1/embeddings') {
      if (request.headers.authorization !== `Bearer ${options.openaiKey}`) return openaiError(response, 401, 'Incorrect API key provided.', 'invalid_api_key');
      await options.hold?.();
      return openaiEmbeddings(request, response);
    }
    if (request.method === 'POST' && path === '/openai/v1/embeddings') {
      if (!options.azureKey || request.headers['api-key'] !== options.azureKey) {
        return writeJson(response, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } });
      }
      return openaiEmbeddings(request, response);
    }
    const gemini = /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/.exec(path);
    if (request.method === 'POST' && gemini) return geminiEmbeddings(request, response, gemini[1] ?? '', options.geminiKey);
    return openaiError(response, 404, `Invalid URL (${request.method} ${path})`, null);
  }, requests);
  return { url: server.origin, requests, close: () => server.close() };
}

function openaiError(response: ServerResponse, status: number, message: string, code: string | null, param: string | null = null) {
  writeJson(response, status, { error: { message, type: 'invalid_request_error', param, code } });
}

function openaiEmbeddings(request: RecordedRequest, response: ServerResponse) {
  const body = request.body;
  if (!isPlainObject(body)) return openaiError(response, 400, 'We could not parse the JSON body of your request.', null);
  const unknown = Object.keys(body).find((key) => !openaiFields.has(key));
  if (unknown) return openaiError(response, 400, `Unrecognized request argument supplied: ${unknown}`, null);
  const model = openaiModels[String(body.model)];
  if (!model) return openaiError(response, 404, `The model \`${String(body.model)}\` does not exist or you do not have access to it.`, 'model_not_found');
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    return openaiError(response, 400, `'${String(body.encoding_format)}' is not one of ['float', 'base64'] - 'encoding_format'`, null, 'encoding_format');
  }
  if (body.dimensions !== undefined && (!model.dimensions || !Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > model.size)) {
    return openaiError(response, 400, 'This model does not support specifying dimensions.', null, 'dimensions');
  }
  const input = body.input;
  const texts: string[] | undefined =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')
        ? input
        : Array.isArray(input) && input.length > 0 && input.every((item) => Number.isInteger(item))
          ? [input.join(' ')]
          : Array.isArray(input) && input.length > 0 && input.every((item) => Array.isArray(item) && item.every(Number.isInteger))
            ? input.map((item: number[]) => item.join(' '))
            : undefined;
  if (!texts || texts.some((text) => text.length === 0))
    return openaiError(response, 400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", null);
  const size = body.dimensions ?? model.size;
  const tokens = texts.reduce((sum, text) => sum + fakeTokenCount(text), 0);
  writeJson(response, 200, {
    object: 'list',
    data: texts.map((text, index) => {
      const vector = fakeEmbedding(text, size);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function geminiEmbeddings(request: RecordedRequest, response: ServerResponse, model: string, key: string | undefined) {
  const fail = (code: number, status: string, message: string) => writeJson(response, code, { error: { code, message, status } });
  if (!key || request.headers['x-goog-api-key'] !== key) return fail(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
  if (model !== 'gemini-embedding-001' && model !== 'text-embedding-004')
    return fail(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for embedContent.`);
  const body = request.body;
  if (!isPlainObject(body) || !Array.isArray(body.requests) || body.requests.length === 0)
    return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. `requests` is required.');
  const vectors: number[][] = [];
  for (const [index, item] of body.requests.entries()) {
    const unknown = isPlainObject(item)
      ? Object.keys(item).find((field) => !['model', 'content', 'taskType', 'title', 'outputDimensionality'].includes(field))
      : 'request';
    if (unknown) return fail(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${unknown}" at 'requests[${index}]': Cannot find field.`);
    if (item.model !== `models/${model}`) {
      return fail(
        400,
        'INVALID_ARGUMENT',
        `Model names should be the same as the model in the URL: requests[${index}].model is ${String(item.model)}, expected models/${model}.`,
      );
    }
    const parts = item.content?.parts;
    if (!Array.isArray(parts) || parts.length === 0 || !parts.every((part: { text?: unknown }) => typeof part.text === 'string')) {
      return fail(400, 'INVALID_ARGUMENT', `* BatchEmbedContentsRequest.requests[${index}].content.parts: contents.parts must not be empty.`);
    }
    const size = item.outputDimensionality ?? 3072;
    if (!Number.isInteger(size) || size < 1 || size > 3072) return fail(400, 'INVALID_ARGUMENT', 'outputDimensionality must be between 1 and 3072.');
    vectors.push(fakeEmbedding(parts.map((part: { text: string }) => part.text).join(''), size));
  }
  writeJson(response, 200, { embeddings: vectors.map((values) => ({ values })) });
}
