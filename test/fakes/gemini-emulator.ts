// Strict Gemini API emulator (POST /v1beta/models/{model}:generateContent,
// :streamGenerateContent, :countTokens) on 127.0.0.1 for tests. Rejects what the Gemini API
// rejects with Google's error envelope, signs the function calls it emits with thought
// signatures and enforces them on replay (Gemini 3), and streams `data: <json>\r\n\r\n` chunks.
// Without ?alt=sse, streamGenerateContent answers a JSON array stream like the real API.
// Standalone: no imports from src/.
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { delay, startFakeServer, writeSseData, writeText } from './fake-http.ts';
import {
  apiKeyInvalid,
  bearerNotOAuth,
  emulatorFailure,
  modelNotFound,
  payloadRejection,
  scriptedGeminiError,
  serializeGeminiError,
  unregisteredCaller,
  type GeminiRejection,
} from './gemini-error.ts';
import { buildGeminiReply, geminiJson, GeminiScenarioMismatchError, type GeminiChunk } from './gemini-output.ts';
import { readField } from './gemini-payload-parser.ts';
import { validateGeminiRequest } from './gemini-request-validator.ts';
import { modelGeneration, modelThinks, readThinkingConfig } from './gemini-thinking.ts';
import { asList } from './gemini-turn-validator.ts';
import { createScenarioSource, estimateTokens, type RecordedRequest, type Scenario, type ScenarioFn } from './scenario.ts';

export type GeminiEmulatorOptions = {
  /** A function of the request, or a queue with one scenario per generate request that passes validation. */
  respond: ScenarioFn | Scenario[];
  /** Expected key in `x-goog-api-key` or `?key=` (default 'gemini-upstream-test'). */
  apiKey?: string;
  /** When set, any other model gets the recorded 404 NOT_FOUND. */
  knownModels?: string[];
};

export type GeminiEmulator = {
  /** Base URL WITHOUT /v1beta (Google GenAI SDK convention). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

const routePattern = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const jsonType = 'application/json; charset=UTF-8';

export async function startGeminiEmulator(options: GeminiEmulatorOptions): Promise<GeminiEmulator> {
  const apiKey = options.apiKey ?? 'gemini-upstream-test';
  const nextScenario = createScenarioSource(options.respond);
  const requests: RecordedRequest[] = [];
  // Signatures are compared as bytes: clients may re-encode base64 as base64url (§9.3).
  const issuedSignatures = new Set<string>();
  const signatureKey = (signature: string) => Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('hex');
  const issueSignature = () => {
    const bytes = Buffer.concat([Buffer.from([0x12, 0x8c, 0x01]), randomBytes(45)]);
    issuedSignatures.add(bytes.toString('hex'));
    return bytes.toString('base64');
  };

  const server = await startFakeServer(async (request, response, rawBody) => {
    const url = new URL(request.url, 'http://emulator');
    const route = routePattern.exec(url.pathname);
    const sse = route?.[2] === 'streamGenerateContent' && url.searchParams.get('alt') === 'sse';
    // With alt=sse even an error body is labelled text/event-stream (recorded 404).
    const reject = (rejection: GeminiRejection) =>
      writeText(response, rejection.code, sse ? 'text/event-stream' : jsonType, serializeGeminiError(rejection), rejection.headers);

    if (request.method !== 'POST' || !route) return reject({ code: 404, status: 'NOT_FOUND', message: `Method not found: ${request.method} ${url.pathname}` });
    const [, model = '', method] = route;
    const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (typeof key !== 'string' || key === '') {
      return reject(request.headers.authorization?.startsWith('Bearer ') ? bearerNotOAuth() : unregisteredCaller());
    }
    if (key !== apiKey) return reject(apiKeyInvalid());
    if (options.knownModels && !options.knownModels.includes(model)) {
      return reject(modelNotFound(model, method === 'countTokens' ? 'countTokens' : 'generateContent'));
    }
    if (typeof request.body === 'string') {
      return reject(payloadRejection([{ description: `Invalid JSON payload received. Unexpected token.\n${rawBody.slice(0, 40)}\n^` }]));
    }
    const body = request.body ?? {};
    const rejection = validateGeminiRequest(body, {
      endpoint: method === 'countTokens' ? 'countTokens' : 'generateContent',
      model,
      isIssuedSignature: (signature) => issuedSignatures.has(signatureKey(signature)),
    });
    if (rejection) return reject(rejection);
    if (method === 'countTokens') {
      const counted = readField(body, 'generateContentRequest') ?? body;
      const totalTokens = estimateTokens(JSON.stringify([readField(counted, 'systemInstruction') ?? '', asList(counted.contents), counted.tools ?? []]));
      return writeText(
        response,
        200,
        jsonType,
        `${JSON.stringify({ totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] }, null, 2)}\n`,
      );
    }

    const scenario = nextScenario(request);
    if (!scenario) return reject(emulatorFailure(`no scripted scenario left for request #${requests.length}`));
    if (scenario.delayMs) await delay(scenario.delayMs);
    if (scenario.error) return reject(scriptedGeminiError(scenario.error));
    const thinking = readThinkingConfig(body);
    let reply;
    try {
      reply = buildGeminiReply(body, scenario, {
        model,
        generation: modelGeneration(model),
        thinks: modelThinks(model, thinking),
        includeThoughts: thinking.includeThoughts === true,
        issueSignature,
      });
    } catch (error) {
      if (error instanceof GeminiScenarioMismatchError) return reject(emulatorFailure(error.message));
      throw error;
    }

    if (method === 'generateContent') {
      if (scenario.midStreamError) return reject({ code: 500, status: 'INTERNAL', message: scenario.midStreamError.message });
      return writeText(response, 200, jsonType, `${JSON.stringify(reply.response, null, 2)}\n`);
    }
    writeStream(response, reply.chunks, scenario, sse);
  }, requests);

  return { url: server.origin, requests, close: server.close };
}

/** A scripted mid-stream failure just ends the stream after `afterEvents` chunks, none with a finishReason. */
function writeStream(response: ServerResponse, chunks: GeminiChunk[], scenario: Scenario, sse: boolean): void {
  const failure = scenario.midStreamError;
  const emitted = failure ? chunks.slice(0, Math.max(0, Math.min(failure.afterEvents, chunks.length - 1))) : chunks;
  response.writeHead(200, {
    'content-type': sse ? 'text/event-stream' : jsonType,
    'content-disposition': 'attachment',
    vary: 'Origin, X-Origin, Referer',
  });
  if (sse) {
    for (const chunk of emitted) if (!response.destroyed) writeSseData(response, geminiJson(chunk), '\r\n\r\n');
  } else {
    response.write(`[${emitted.map((chunk) => JSON.stringify(chunk, null, 2)).join('\n,\r\n')}`);
    if (!failure) response.write('\n]');
  }
  response.end();
}
