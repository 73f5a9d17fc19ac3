/**
 * Every official client SDK against every provider type, through one gateway: the openai SDK
 * (chat.completions and responses), @anthropic-ai/sdk and @google/genai, each streaming a tool
 * round trip and making one unary call, against strict emulators of the Responses API,
 * Anthropic Messages, Gemini 3, Chat Completions servers (vLLM, Ollama) and Bedrock Converse. Same-dialect pairs
 * take the passthrough; every other pair goes through the IR. The emulators reject malformed
 * requests, so an accepted request proves the translation was valid.
 */
import { after, before, describe, test } from 'node:test';
import { anthropicClient } from './sdk-matrix/anthropic-client.ts';
import type { SdkClient } from './sdk-matrix/client-case.ts';
import { genaiClient } from './sdk-matrix/genai-client.ts';
import { startMatrixUpstreams, upstreamKinds, type MatrixUpstreams } from './sdk-matrix/matrix-upstreams.ts';
import { openaiChatClient } from './sdk-matrix/openai-chat-client.ts';
import { openaiResponsesClient } from './sdk-matrix/openai-responses-client.ts';
import { ScriptedCases } from './sdk-matrix/scripted-cases.ts';

const clients: SdkClient[] = [openaiChatClient, openaiResponsesClient, anthropicClient, genaiClient];
const cases = new ScriptedCases();
let matrix: MatrixUpstreams;

before(async () => {
  matrix = await startMatrixUpstreams(cases);
});

after(async () => {
  await matrix.close();
});

// Cases share the emulators but never a conversation (each has its own marker), so they may
// run side by side; a few at a time keeps the 2-core machine responsive.
describe('client SDKs × provider types', { concurrency: 4 }, () => {
  for (const client of clients) {
    for (const kind of upstreamKinds) {
      for (const clientCase of client.cases) {
        test(`${client.name} → ${kind}: ${clientCase.name}`, async () => {
          const upstream = matrix.upstreams.find((candidate) => candidate.kind === kind)!;
          await clientCase.run({ gatewayUrl: matrix.gateway.url, clientKey: matrix.clientKey, upstream, cases });
        });
      }
    }
  }
});
