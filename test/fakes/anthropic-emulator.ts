// Strict Anthropic Messages API emulator (POST /v1/messages, /v1/messages/count_tokens) on
// 127.0.0.1 for tests. Rejects what Anthropic rejects with its error envelope and `request-id`
// header, signs the thinking it emits and verifies it on replay, and streams `event:`-framed SSE
// with pings and the padded JSON seen in live captures. Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { delay, openSse, randomAlphanumeric, startFakeServer, writeJson, writeSseFrame } from './fake-http.ts';
import {
  anthropicErrorBody,
  anthropicErrorType,
  defaultAnthropicMessage,
  invalidRequest,
  statusForErrorType,
  type AnthropicRejection,
} from './anthropic-error.ts';
import { AnthropicScenarioMismatchError, buildAnthropicReply, type AnthropicEvent } from './anthropic-output.ts';
import { validateAnthropicRequest } from './anthropic-request-validator.ts';
import { createThinkingSigner } from './anthropic-thinking-signer.ts';
import { createPromptCache } from './anthropic-prompt-cache.ts';
import { createScenarioSource, estimateTokens, type RecordedRequest, type Scenario, type ScenarioFn } from './scenario.ts';

export type AnthropicEmulatorOptions = {
  /** A function of the request, or a queue with one scenario per /v1/messages request that passes validation. */
  respond: ScenarioFn | Scenario[];
  /** Expected x-api-key (default 'sk-ant-upstream-test'). */
  apiKey?: string;
  /** When set, any other model gets 404 not_found_error "model: <name>". */
  knownModels?: string[];
  /** Pad JSON with spaces before the final brace like live captures do (default true). */
  padJson?: boolean;
};

export type AnthropicEmulator = {
  /** Base URL WITHOUT /v1 (Anthropic SDK convention). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

const supportedVersions = ['2023-06-01', '2023-01-01'];

export async function startAnthropicEmulator(options: AnthropicEmulatorOptions): Promise<AnthropicEmulator> {
  const apiKey = options.apiKey ?? 'sk-ant-upstream-test';
  const padJson = options.padJson ?? true;
  const nextScenario = createScenarioSource(options.respond);
  const signer = createThinkingSigner();
  const promptCache = createPromptCache();
  const requests: RecordedRequest[] = [];

  const server = await startFakeServer(async (request, response, rawBody) => {
    const requestId = `req_011C${randomAlphanumeric(20)}`;
    const reject = (rejection: AnthropicRejection) =>
      writeJson(response, rejection.status, anthropicErrorBody(rejection, requestId), { 'request-id': requestId, ...rejection.headers });

    const path = request.url.split('?')[0];
    const endpoint = path === '/v1/messages' ? 'messages' : path === '/v1/messages/count_tokens' ? 'count_tokens' : undefined;
    if (request.method !== 'POST' || endpoint === undefined) return reject({ status: 404, type: 'not_found_error', message: 'Not Found' });
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0) {
      return reject({ status: 401, type: 'authentication_error', message: 'x-api-key header is required' });
    }
    if (key !== apiKey) return reject({ status: 401, type: 'authentication_error', message: 'invalid x-api-key' });
    const version = request.headers['anthropic-version'];
    if (typeof version !== 'string') return reject(invalidRequest('anthropic-version: header is required'));
    if (!supportedVersions.includes(version)) return reject(invalidRequest(`anthropic-version: unknown version '${version}'`));
    if (rawBody.length === 0 || typeof request.body !== 'object' || request.body === null) {
      return reject(invalidRequest('There was an error parsing the body of your request. Please make sure it is valid JSON.'));
    }
    const betaHeader = request.headers['anthropic-beta'];
    const rejection = validateAnthropicRequest(request.body, {
      endpoint,
      betas: typeof betaHeader === 'string' ? betaHeader.split(',').map((beta) => beta.trim()) : [],
      verifyThinking: signer.verifyThinking,
      verifyRedactedData: signer.verifyRedactedData,
      ...(options.knownModels ? { knownModels: options.knownModels } : {}),
    });
    if (rejection) return reject(rejection);
    if (endpoint === 'count_tokens') {
      const { system, messages, tools } = request.body;
      const text = JSON.stringify({ system, messages, tools });
      return writeJson(response, 200, { input_tokens: estimateTokens(text) }, { 'request-id': requestId });
    }

    const scenario = nextScenario(request);
    if (!scenario) return reject({ status: 500, type: 'api_error', message: `emulator: no scripted scenario left for request #${requests.length}` });
    if (scenario.delayMs) await delay(scenario.delayMs);
    if (scenario.error) return reject(scriptedError(scenario.error));
    let reply;
    try {
      reply = buildAnthropicReply(request.body, scenario, signer, promptCache.account(request.body));
    } catch (error) {
      if (error instanceof AnthropicScenarioMismatchError) return reject({ status: 500, type: 'api_error', message: `emulator: ${error.message}` });
      throw error;
    }

    if (request.body.stream !== true) {
      if (scenario.midStreamError) {
        const { type, message } = scenario.midStreamError;
        return reject({ status: statusForErrorType(type), type, message });
      }
      return writeJson(response, 200, reply.message, { 'request-id': requestId });
    }
    openSse(response, { 'request-id': requestId });
    writeStream(response, reply.events, scenario, padJson);
  }, requests);

  return { url: server.origin, requests, close: server.close };
}

function scriptedError(error: NonNullable<Scenario['error']>): AnthropicRejection {
  const type = error.type ?? anthropicErrorType(error.status);
  const headers: Record<string, string> = { ...error.headers };
  if (error.status === 429) headers['retry-after'] ??= '1';
  if (error.status === 429 || error.status >= 500) headers['x-should-retry'] ??= 'true';
  return { status: error.status, type, message: error.message ?? defaultAnthropicMessage(type), headers };
}

function writeStream(response: ServerResponse, events: AnthropicEvent[], scenario: Scenario, padJson: boolean): void {
  const failure = scenario.midStreamError;
  const emitted = failure ? events.slice(0, Math.max(0, Math.min(failure.afterEvents, events.length - 1))) : events;
  for (const event of emitted) {
    if (response.destroyed) return;
    writeSseFrame(response, event.type, serialize(event, padJson));
  }
  if (failure && !response.destroyed) {
    // After a 200 the failure is an `error` event and the stream just ends: no message_stop.
    writeSseFrame(response, 'error', JSON.stringify({ type: 'error', error: { type: failure.type, message: failure.message } }));
  }
  response.end();
}

function serialize(event: AnthropicEvent, padJson: boolean): string {
  // Live pings are written with a space after the colon: {"type": "ping"}.
  if (event.type === 'ping') return '{"type": "ping"}';
  const text = JSON.stringify(event);
  if (!padJson) return text;
  return `${text.slice(0, -1)}${' '.repeat(Math.floor(Math.random() * 16))}}`;
}
