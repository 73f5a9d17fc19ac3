// Strict Amazon Bedrock runtime front for tests: InvokeModel and InvokeModelWithResponseStream
// for Anthropic models (`/model/{modelId}/invoke`, `/invoke-with-response-stream`). Every
// request's SigV4 signature is recomputed with the same credentials (@smithy/signature-v4) and
// refused with Bedrock's 403 shapes when it does not match; bodies must be Bedrock's Anthropic
// variant (`anthropic_version: "bedrock-2023-05-31"`, no model, no stream). The model logic and
// validation are the Anthropic emulator's behind it; streams are answered in the AWS event stream
// (`application/vnd.amazon.eventstream`, each `chunk` event's `bytes` one Anthropic event).
// Embeddings models (Titan Text v2, Cohere Embed v3) answer InvokeModel themselves.
// Converse and ConverseStream (`/model/{modelId}/converse`, `/converse-stream`) for any model
// are answered by the emulator's own scripted model (`converse.respond`), bodies validated by
// converse-request-validator.ts, Claude's reasoning signed and verified when replayed, streams
// in the event stream with `:event-type` headers.
// Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { isPlainObject, randomHex, startFakeServer, writeJson } from './fake-http.ts';
import { fakeEmbedding, fakeTokenCount } from './fake-embedding.ts';
import { forwardToEmulator, sseFrames } from './forward-to-emulator.ts';
import { createScenarioSource, type RecordedRequest, type ScenarioFn } from './scenario.ts';
import { createThinkingSigner, type ThinkingSigner } from './anthropic-thinking-signer.ts';
import { converseAnswer, converseStreamEvents } from './converse-output.ts';
import { isClaudeOnBedrock, validateConverseRequest } from './converse-request-validator.ts';

export type BedrockEmulatorOptions = {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The Anthropic emulator behind (base URL without /v1) and its key. */
  anthropic: { url: string; apiKey: string };
  /** Model ids (after any cross-region prefix) this account may invoke. */
  knownModels?: string[];
  /** The scripted model behind Converse / ConverseStream (absent: those routes answer 400). */
  converse?: { respond: ScenarioFn };
};

export type BedrockEmulator = {
  url: string;
  requests: RecordedRequest[];
  /** The event-stream frames sent, per streamed request (decoded headers and payload). */
  streamed: Array<Array<{ eventType: string; payload: unknown }>>;
  close(): Promise<void>;
};

const routePattern = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)$/;
const profilePrefix = /^(us|eu|apac|us-gov|global)\./;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

export async function startBedrockEmulator(options: BedrockEmulatorOptions): Promise<BedrockEmulator> {
  const requests: RecordedRequest[] = [];
  const streamed: BedrockEmulator['streamed'] = [];
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'bedrock', sha256: Sha256 });
  const thinkingSigner = createThinkingSigner();

  const fail = (response: ServerResponse, status: number, type: string, message: string) =>
    writeJson(
      response,
      status,
      { message },
      { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': randomHex(16) },
    );

  const server = await startFakeServer(async (request, response, rawBody) => {
    const url = new URL(request.url, 'http://emulator');
    const authFailure = await checkSignature(request, rawBody, url, signer, options);
    if (authFailure) return fail(response, 403, authFailure.type, authFailure.message);
    const route = routePattern.exec(url.pathname);
    if (request.method !== 'POST' || !route) return fail(response, 404, 'UnknownOperationException', 'Unknown operation');
    const modelId = decodeURIComponent(route[1] ?? '');
    const stream = route[2] === 'invoke-with-response-stream' || route[2] === 'converse-stream';
    const baseModel = modelId.replace(profilePrefix, '');
    if (route[2] === 'converse' || route[2] === 'converse-stream') {
      if (options.knownModels && !options.knownModels.includes(baseModel))
        return fail(response, 400, 'ValidationException', 'The provided model identifier is invalid.');
      if (!options.converse) return fail(response, 400, 'ValidationException', 'The provided model identifier is invalid.');
      return converse(response, request, baseModel, stream, options.converse.respond, thinkingSigner, fail, streamed);
    }
    if (!stream && (baseModel.startsWith('amazon.titan-embed') || baseModel.startsWith('cohere.embed'))) {
      const answer = bedrockEmbeddings(baseModel, request.body);
      if ('error' in answer) return fail(response, 400, 'ValidationException', answer.error);
      return writeJson(response, 200, answer.body, { 'x-amzn-requestid': randomHex(16), ...answer.headers });
    }
    if (!/^anthropic\.claude-/.test(baseModel) || (options.knownModels && !options.knownModels.includes(baseModel))) {
      return fail(response, 400, 'ValidationException', 'The provided model identifier is invalid.');
    }
    const body = request.body;
    if (!isPlainObject(body)) return fail(response, 400, 'ValidationException', 'Malformed input request, please reformat your input and try again.');
    if (body.anthropic_version !== 'bedrock-2023-05-31')
      return fail(response, 400, 'ValidationException', 'Malformed input request: #/anthropic_version: expected bedrock-2023-05-31');
    for (const key of ['model', 'stream']) {
      if (key in body)
        return fail(
          response,
          400,
          'ValidationException',
          `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
        );
    }
    const { anthropic_version: _version, anthropic_beta: betas, ...rest } = body;
    if (betas !== undefined && (!Array.isArray(betas) || !betas.every((beta) => typeof beta === 'string'))) {
      return fail(response, 400, 'ValidationException', 'Malformed input request: #/anthropic_beta: expected type: JSONArray');
    }
    const headers: Record<string, string> = { 'x-api-key': options.anthropic.apiKey, 'anthropic-version': '2023-06-01' };
    if (Array.isArray(betas) && betas.length > 0) headers['anthropic-beta'] = betas.join(',');
    // anthropic.claude-sonnet-4-5-20250929-v1:0 → claude-sonnet-4-5-20250929
    const model = baseModel.replace(/^anthropic\./, '').replace(/-v\d+(:\d+)?$/, '');
    const inner = await forwardToEmulator(`${options.anthropic.url}/v1/messages`, headers, { ...rest, model, stream });
    if (inner.status >= 400 || !inner.body) {
      const text = inner.body ? await new Response(inner.body).text() : '';
      const message = (() => {
        try {
          return String(JSON.parse(text).error?.message ?? text);
        } catch {
          return text;
        }
      })();
      const type = inner.status === 429 ? 'ThrottlingException' : inner.status >= 500 ? 'InternalServerException' : 'ValidationException';
      return fail(response, inner.status === 429 ? 429 : inner.status >= 500 ? 500 : 400, type, message);
    }
    if (!stream) {
      const answer = await new Response(inner.body).text();
      response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomHex(16) });
      return void response.end(answer);
    }
    const frames: Array<{ eventType: string; payload: unknown }> = [];
    streamed.push(frames);
    response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomHex(16) });
    let inputTokens = 0;
    let outputTokens = 0;
    for await (const frame of sseFrames(inner.body)) {
      const event = JSON.parse(frame.data) as Record<string, any>;
      if (event.type === 'ping') continue; // Bedrock sends no pings
      if (event.type === 'error') {
        // A mid-stream failure is an exception message, not a chunk.
        const errorType = event.error?.type;
        const exception =
          errorType === 'rate_limit_error'
            ? 'throttlingException'
            : errorType === 'overloaded_error'
              ? 'serviceUnavailableException'
              : 'internalServerException';
        frames.push({ eventType: exception, payload: { message: event.error?.message } });
        response.write(
          codec.encode({
            headers: {
              ':exception-type': { type: 'string', value: exception },
              ':content-type': { type: 'string', value: 'application/json' },
              ':message-type': { type: 'string', value: 'exception' },
            },
            body: encoder.encode(JSON.stringify({ message: event.error?.message ?? 'error' })),
          }),
        );
        break;
      }
      if (event.type === 'message_start') inputTokens = event.message?.usage?.input_tokens ?? 0;
      if (event.type === 'message_delta') outputTokens = event.usage?.output_tokens ?? 0;
      if (event.type === 'message_stop') {
        event['amazon-bedrock-invocationMetrics'] = {
          inputTokenCount: inputTokens,
          outputTokenCount: outputTokens,
          invocationLatency: 812,
          firstByteLatency: 301,
        };
      }
      const payload = { bytes: Buffer.from(JSON.stringify(event)).toString('base64'), p: 'abcdefghij'.slice(0, 1 + (frames.length % 10)) };
      frames.push({ eventType: 'chunk', payload: event });
      response.write(
        codec.encode({
          headers: {
            ':event-type': { type: 'string', value: 'chunk' },
            ':content-type': { type: 'string', value: 'application/json' },
            ':message-type': { type: 'string', value: 'event' },
          },
          body: encoder.encode(JSON.stringify(payload)),
        }),
      );
    }
    response.end();
  }, requests);

  return { url: server.origin, requests, streamed, close: () => server.close() };
}

/**
 * Titan Text Embeddings V2 (`inputText`, `dimensions` 256/512/1024, `normalize`, `embeddingTypes`)
 * and Cohere Embed v3 (`texts` ≤ 96, `input_type` required, `truncate`, `embedding_types`), as
 * Bedrock documents them; anything else is a ValidationException.
 */
function bedrockEmbeddings(model: string, body: unknown): { body: unknown; headers: Record<string, string> } | { error: string } {
  if (!isPlainObject(body)) return { error: 'Malformed input request, please reformat your input and try again.' };
  const extraneous = (allowed: string[]) => Object.keys(body).find((key) => !allowed.includes(key));
  if (model.startsWith('amazon.titan-embed-text-v2')) {
    const extra = extraneous(['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
    if (extra) return { error: `Malformed input request: #: extraneous key [${extra}] is not permitted, please reformat your input and try again.` };
    if (typeof body.inputText !== 'string' || body.inputText.length === 0) return { error: 'Malformed input request: #/inputText: expected minLength: 1' };
    if (body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions))
      return { error: 'Malformed input request: #/dimensions: 300 is not a valid enum value'.replace('300', String(body.dimensions)) };
    const tokens = fakeTokenCount(body.inputText);
    return {
      body: { embedding: fakeEmbedding(body.inputText, body.dimensions ?? 1024), embeddingsByType: {}, inputTextTokenCount: tokens },
      headers: { 'x-amzn-bedrock-input-token-count': String(tokens) },
    };
  }
  if (model.startsWith('cohere.embed')) {
    const extra = extraneous(['texts', 'images', 'input_type', 'truncate', 'embedding_types']);
    if (extra) return { error: `Malformed input request: #: extraneous key [${extra}] is not permitted, please reformat your input and try again.` };
    if (!Array.isArray(body.texts) || body.texts.length === 0 || body.texts.length > 96 || !body.texts.every((text: unknown) => typeof text === 'string')) {
      return { error: 'Malformed input request: #/texts: expected maxItems: 96, minItems: 1' };
    }
    if (!['search_document', 'search_query', 'classification', 'clustering'].includes(body.input_type))
      return { error: 'Malformed input request: #: required key [input_type] not found' };
    return {
      body: {
        id: randomHex(16),
        embeddings: body.texts.map((text: string) => fakeEmbedding(text, 1024)),
        response_type: 'embeddings_floats',
        texts: body.texts,
      },
      headers: {},
    };
  }
  return { error: 'The provided model identifier is invalid.' };
}

/** Recomputes the request's SigV4 signature; Bedrock's 403 error type and words when it does not hold. */
async function checkSignature(
  request: RecordedRequest,
  rawBody: string,
  url: URL,
  signer: SignatureV4,
  options: BedrockEmulatorOptions,
): Promise<{ type: string; message: string } | undefined> {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  if (!parsed)
    return { type: 'IncompleteSignatureException', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.` };
  const [, accessKeyId, , region, service, signedHeaders = '', signature] = parsed;
  if (accessKeyId !== options.credentials.accessKeyId)
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (options.credentials.sessionToken !== undefined && request.headers['x-amz-security-token'] !== options.credentials.sessionToken) {
    return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (region !== options.region || service !== 'bedrock') {
    return { type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service 'bedrock'.` };
  }
  const amzDate = request.headers['x-amz-date'];
  const when = typeof amzDate === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) : null;
  if (!when) return { type: 'IncompleteSignatureException', message: 'Date must be in ISO-8601 basic format (X-Amz-Date).' };
  const signingDate = new Date(Date.UTC(Number(when[1]), Number(when[2]) - 1, Number(when[3]), Number(when[4]), Number(when[5]), Number(when[6])));
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) return { type: 'InvalidSignatureException', message: 'Signature expired.' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return { type: 'InvalidSignatureException', message: 'The host and x-amz-date headers must be signed.' };
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    headers[name] = Array.isArray(value) ? value.join(',') : (value ?? '');
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const host = String(request.headers.host ?? '');
  const recomputed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: host.split(':')[0] ?? '', path: url.pathname, query, headers, body: rawBody },
    { signingDate },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1];
  if (expected !== signature) {
    return {
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return undefined;
}

type Fail = (response: ServerResponse, status: number, type: string, message: string) => void;

function writeEvent(response: ServerResponse, messageType: 'event' | 'exception', type: string, payload: unknown): void {
  response.write(
    codec.encode({
      headers: {
        [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: messageType },
      },
      body: encoder.encode(JSON.stringify(payload)),
    }),
  );
}

const streamExceptionOf: Record<string, string> = {
  rate_limit_error: 'throttlingException',
  overloaded_error: 'serviceUnavailableException',
  invalid_request_error: 'validationException',
  model_stream_error: 'modelStreamErrorException',
};

/** Converse / ConverseStream against the scripted model. */
async function converse(
  response: ServerResponse,
  request: RecordedRequest,
  modelId: string,
  stream: boolean,
  respond: ScenarioFn,
  signer: ThinkingSigner,
  fail: Fail,
  streamed: BedrockEmulator['streamed'],
): Promise<void> {
  const checked = validateConverseRequest(request.body, modelId, signer);
  if (!checked.ok) return fail(response, 400, 'ValidationException', checked.message);
  const scenario = createScenarioSource(respond)(request);
  if (!scenario) return fail(response, 500, 'InternalServerException', 'the emulator has no scripted answer');
  if (scenario.error) {
    const status = scenario.error.status;
    const type = status === 429 ? 'ThrottlingException' : status >= 500 ? 'InternalServerException' : 'ValidationException';
    return fail(response, status, type, scenario.error.message ?? type);
  }
  const context = {
    claude: isClaudeOnBedrock(modelId),
    thinking: checked.thinking,
    deepseek: modelId.startsWith('deepseek.'),
    toolNames: checked.toolNames,
    signer,
  };
  if (!stream) return writeJson(response, 200, converseAnswer(scenario, context), { 'x-amzn-requestid': randomHex(16) });
  const frames: Array<{ eventType: string; payload: unknown }> = [];
  streamed.push(frames);
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomHex(16) });
  for (const [index, event] of converseStreamEvents(scenario, context).entries()) {
    if (scenario.midStreamError && index >= scenario.midStreamError.afterEvents) {
      const exception = streamExceptionOf[scenario.midStreamError.type] ?? 'internalServerException';
      frames.push({ eventType: exception, payload: { message: scenario.midStreamError.message } });
      writeEvent(response, 'exception', exception, { message: scenario.midStreamError.message });
      break;
    }
    frames.push(event);
    // Bedrock pads event payloads with a `p` field of varying length.
    writeEvent(response, 'event', event.eventType, { ...event.payload, p: 'abcdefghijklmnop'.slice(0, 1 + (index % 16)) });
  }
  response.end();
}
