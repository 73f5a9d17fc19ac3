// Strict OpenAI Responses API emulator (POST /v1/responses) on 127.0.0.1 for tests.
// It rejects what OpenAI rejects, with OpenAI's statuses and error bodies, and streams
// SDK-correct SSE (`event:` lines, sequence_number from 0). Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { delay, openSse, randomHex, startFakeServer, writeJson, writeSseFrame } from './fake-http.ts';
import { defaultOpenAIErrorType, openAIError, type OpenAIRejection } from './openai-error.ts';
import { buildResponsesReply, ScenarioMismatchError, type ResponsesEvent } from './responses-output.ts';
import { validateResponsesRequest } from './responses-request-validator.ts';
import { createScenarioSource, type RecordedRequest, type Scenario, type ScenarioFn } from './scenario.ts';

export type ResponsesEmulatorOptions = {
  /** A function of the request, or a queue with one scenario per request that passes validation. */
  respond: ScenarioFn | Scenario[];
  /** Expected bearer key (default 'sk-upstream-test'). */
  apiKey?: string;
  /** When set, any other model gets 400 model_not_found like /v1/responses does. */
  knownModels?: string[];
};

export type ResponsesEmulator = {
  /** Base URL including /v1 (what the OpenAI SDK calls baseURL). */
  url: string;
  requests: RecordedRequest[];
  /** Every `encrypted_content` blob issued so far, in order (only these are accepted back). */
  issuedEncryptedContent: ReadonlySet<string>;
  close(): Promise<void>;
};

export async function startResponsesEmulator(options: ResponsesEmulatorOptions): Promise<ResponsesEmulator> {
  const apiKey = options.apiKey ?? 'sk-upstream-test';
  const nextScenario = createScenarioSource(options.respond);
  const requests: RecordedRequest[] = [];
  const issuedEncryptedContent = new Set<string>();
  const storedItemIds = new Set<string>();
  const storedResponseIds = new Set<string>();

  const issuer = {
    issueEncryptedContent() {
      const blob = `gAAAA${Buffer.from(randomHex(48)).toString('base64')}`;
      issuedEncryptedContent.add(blob);
      return blob;
    },
  };

  const server = await startFakeServer(async (request, response, rawBody) => {
    const requestId = `req_${randomHex(16)}`;
    const reject = (rejection: OpenAIRejection) => writeJson(response, rejection.status, rejection.body, { 'x-request-id': requestId, ...rejection.headers });

    const path = request.url.split('?')[0];
    if (request.method !== 'POST' || path !== '/v1/responses') {
      return reject(openAIError(404, `Invalid URL (${request.method} ${path})`));
    }
    const authRejection = checkBearer(request.headers.authorization, apiKey);
    if (authRejection) return reject(authRejection);
    if (rawBody.length === 0 || typeof request.body !== 'object' || request.body === null) {
      return reject(
        openAIError(
          400,
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ),
      );
    }
    const rejection = validateResponsesRequest(request.body, {
      isIssuedEncryptedContent: (value) => issuedEncryptedContent.has(value),
      isStoredItemId: (id) => storedItemIds.has(id),
      isStoredResponseId: (id) => storedResponseIds.has(id),
      ...(options.knownModels ? { knownModels: options.knownModels } : {}),
    });
    if (rejection) return reject(rejection);

    const scenario = nextScenario(request);
    if (!scenario) {
      return reject(openAIError(500, `emulator: no scripted scenario left for request #${requests.length}`, { type: 'server_error' }));
    }
    if (scenario.delayMs) await delay(scenario.delayMs);
    if (scenario.error) return reject(scriptedError(scenario.error));

    let reply;
    try {
      reply = buildResponsesReply(request.body, scenario, issuer);
    } catch (error) {
      if (error instanceof ScenarioMismatchError) {
        return reject(openAIError(500, `emulator: ${error.message}`, { type: 'server_error' }));
      }
      throw error;
    }
    if (request.body.store !== false) {
      storedResponseIds.add(reply.response.id);
      for (const item of reply.response.output) if (item.type === 'reasoning') storedItemIds.add(item.id);
    }

    if (request.body.stream !== true) {
      if (scenario.midStreamError) {
        const { type, code, message } = scenario.midStreamError;
        return reject(openAIError(500, message, { type, code: code ?? type }));
      }
      return writeJson(response, 200, reply.response, { 'x-request-id': requestId });
    }
    openSse(response, { 'x-request-id': requestId, 'openai-version': '2020-10-01' });
    writeStream(response, reply.events, scenario, reply.snapshot);
  }, requests);

  return { url: `${server.origin}/v1`, requests, issuedEncryptedContent, close: server.close };
}

function checkBearer(header: string | undefined, apiKey: string): OpenAIRejection | undefined {
  if (!header || !header.startsWith('Bearer ') || header.length <= 'Bearer '.length) {
    return openAIError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
    );
  }
  const key = header.slice('Bearer '.length);
  if (key === apiKey) return undefined;
  const masked = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}` : key;
  return openAIError(401, `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, {
    code: 'invalid_api_key',
  });
}

function scriptedError(error: NonNullable<Scenario['error']>): OpenAIRejection {
  const defaults = defaultOpenAIErrorType(error.status);
  const rejection = openAIError(error.status, error.message ?? defaults.message, {
    type: error.type ?? defaults.type,
    code: error.code ?? defaults.code,
  });
  // Retry hints travel in headers (retry-after, x-ratelimit-*), as on the real API.
  return { ...rejection, headers: error.status === 429 ? { 'retry-after': '1', ...error.headers } : { ...error.headers } };
}

/** Numbers events from 0; a scripted mid-stream failure becomes a nested `error` event then response.failed. */
function writeStream(
  response: ServerResponse,
  events: ResponsesEvent[],
  scenario: Scenario,
  snapshot: (status: string, extra?: Record<string, unknown>) => Record<string, any>,
): void {
  const failure = scenario.midStreamError;
  const emitted = failure ? events.slice(0, Math.max(0, Math.min(failure.afterEvents, events.length - 1))) : events;
  let sequenceNumber = 0;
  const send = ({ type, ...fields }: ResponsesEvent) => {
    if (response.destroyed) return;
    // Key order as recorded: {"type":…,"sequence_number":…,…}.
    writeSseFrame(response, type, JSON.stringify({ type, sequence_number: sequenceNumber++, ...fields }));
  };
  for (const event of emitted) send(event);
  if (failure) {
    const code = failure.code ?? failure.type;
    send({ type: 'error', error: { type: failure.type, code, message: failure.message, param: null } });
    send({ type: 'response.failed', response: snapshot('failed', { error: { code, message: failure.message } }) });
  }
  // Codex only finishes a turn at EOF after the terminal event: close right away.
  response.end();
}
