// Strict OpenAI-compatible Chat Completions emulator (POST /v1/chat/completions) on 127.0.0.1
// for tests, in three flavors: 'openai', 'vllm' and 'ollama' (how tool calls, reasoning, usage
// and errors are shaped). It validates like a vLLM/Ollama server behind a strict chat template —
// system/user/assistant/tool roles only, system first, tool results paired with calls — and
// streams data-only SSE ending with `data: [DONE]`. Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { delay, openSse, randomHex, startFakeServer, writeJson, writeSseData } from './fake-http.ts';
import { chatRejection, checkChatBearer, scriptedChatError, type ChatFlavor, type ChatRejection } from './chat-error.ts';
import { buildChatReply, ChatScenarioMismatchError, type ChatReply } from './chat-output.ts';
import { validateChatRequest } from './chat-request-validator.ts';
import { createScenarioSource, type RecordedRequest, type Scenario, type ScenarioFn } from './scenario.ts';

export type ChatEmulatorOptions = {
  /** A function of the request, or a queue with one scenario per request that passes validation. */
  respond: ScenarioFn | Scenario[];
  /** Expected bearer key (default 'sk-chat-upstream-test'). */
  apiKey?: string;
  /** Server family whose stream, usage and error shapes to reproduce (default 'openai'). */
  flavor?: ChatFlavor;
  /** When set, any other model gets that flavor's 404. */
  knownModels?: string[];
  /** A text-only model: any image_url part is refused with 400. */
  textOnly?: boolean;
};

export type ChatEmulator = {
  /** Base URL including /v1 (what the OpenAI SDK calls baseURL). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

export async function startChatEmulator(options: ChatEmulatorOptions): Promise<ChatEmulator> {
  const apiKey = options.apiKey ?? 'sk-chat-upstream-test';
  const flavor = options.flavor ?? 'openai';
  const nextScenario = createScenarioSource(options.respond);
  const requests: RecordedRequest[] = [];

  const server = await startFakeServer(async (request, response, rawBody) => {
    const requestId = `req_${randomHex(16)}`;
    const reject = (rejection: ChatRejection) => writeJson(response, rejection.status, rejection.body, { 'x-request-id': requestId, ...rejection.headers });

    const path = request.url.split('?')[0];
    if (request.method !== 'POST' || path !== '/v1/chat/completions') return reject(chatRejection(flavor, 404, `Invalid URL (${request.method} ${path})`));
    const authRejection = checkChatBearer(request.headers.authorization, apiKey);
    if (authRejection) return reject(authRejection);
    if (rawBody.length === 0 || typeof request.body !== 'object' || request.body === null) {
      return reject(
        chatRejection(
          flavor,
          400,
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ),
      );
    }
    const rejection = validateChatRequest(request.body, {
      flavor,
      textOnly: options.textOnly ?? false,
      ...(options.knownModels ? { knownModels: options.knownModels } : {}),
    });
    if (rejection) return reject(rejection);

    const scenario = nextScenario(request);
    if (!scenario) return reject(chatRejection(flavor, 500, `emulator: no scripted scenario left for request #${requests.length}`, { type: 'server_error' }));
    if (scenario.delayMs) await delay(scenario.delayMs);
    if (scenario.error) return reject(scriptedChatError(scenario.error));
    let reply: ChatReply;
    try {
      reply = buildChatReply(request.body, scenario, flavor);
    } catch (error) {
      if (error instanceof ChatScenarioMismatchError) return reject(chatRejection(flavor, 500, `emulator: ${error.message}`, { type: 'server_error' }));
      throw error;
    }

    if (request.body.stream !== true) {
      if (scenario.midStreamError) {
        const { type, code, message } = scenario.midStreamError;
        return reject({ status: 500, body: { error: { message, type, param: null, code: code ?? null } } });
      }
      return writeJson(response, 200, reply.completion, { 'x-request-id': requestId });
    }
    openSse(response, { 'x-request-id': requestId });
    writeStream(response, reply, scenario, request.body.stream_options?.include_usage === true);
  }, requests);

  return { url: `${server.origin}/v1`, requests, close: server.close };
}

/** finish_reason chunk, then the `choices: []` usage chunk (only if asked for), then [DONE]; a failure replaces all three. */
function writeStream(response: ServerResponse, reply: ChatReply, scenario: Scenario, includeUsage: boolean): void {
  const failure = scenario.midStreamError;
  const send = (payload: unknown) => {
    if (!response.destroyed) writeSseData(response, typeof payload === 'string' ? payload : JSON.stringify(payload));
  };
  if (failure) {
    for (const chunk of reply.chunks.slice(0, Math.max(0, Math.min(failure.afterEvents, reply.chunks.length)))) send(chunk);
    // OpenAI's in-band failure: a top-level `error` object (the SDK throws on it), and no [DONE].
    send({ error: { message: failure.message, type: failure.type, param: null, code: failure.code ?? null } });
    return void response.end();
  }
  for (const chunk of reply.chunks) send(chunk);
  send(reply.finishChunk);
  if (includeUsage) send(reply.usageChunk);
  send('[DONE]');
  response.end();
}
