/**
 * `POST /v1/embeddings` through the official `openai` SDK to every provider type that embeds:
 * OpenAI, Azure OpenAI, an OpenAI-compatible server, Mistral, Gemini (batchEmbedContents), Vertex
 * (`predict`, OAuth2 from a service account) and Bedrock (Titan v2 and Cohere through a
 * SigV4-checking emulator). Each vector must be the emulator's vector for that text, in its place;
 * the SDK's default base64 answers are decoded by the SDK. Keys, allowlists, budgets, the log row
 * and the cost work as for any model call.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../fakes/bedrock-emulator.ts';
import { startEmbeddingsApisEmulator, type EmbeddingsApisEmulator } from '../fakes/embeddings-apis-emulator.ts';
import { fakeEmbedding } from '../fakes/fake-embedding.ts';
import { startGoogleTokenServer, type GoogleTokenServer } from '../fakes/google-token-server.ts';
import { startVertexEmulator, type VertexEmulator } from '../fakes/vertex-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
let emulator: EmbeddingsApisEmulator;
let anthropic: AnthropicEmulator;
let bedrock: BedrockEmulator;
let tokens: GoogleTokenServer;
let vertex: VertexEmulator;
let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  emulator = await startEmbeddingsApisEmulator({ openaiKey: 'sk-openai-upstream', azureKey: 'azure-upstream-key', geminiKey: 'gemini-upstream-key' });
  anthropic = await startAnthropicEmulator({ respond: () => ({ text: 'unused' }) });
  bedrock = await startBedrockEmulator({ region: 'us-east-1', credentials, anthropic: { url: anthropic.url, apiKey: 'sk-ant-upstream-test' } });
  tokens = await startGoogleTokenServer({ projectId: 'embed-project' });
  vertex = await startVertexEmulator({ project: 'embed-project', location: 'us-central1', isValidToken: tokens.isValidToken });
  const serviceAccount = await tokens.writeServiceAccountFile(await mkdtemp(join(tmpdir(), 'embed-sa-')));
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${emulator.url}/v1", api_key: sk-openai-upstream }
  azure: { type: azure-openai, base_url: "${emulator.url}/openai/v1", api_key: azure-upstream-key }
  local: { type: openai-compatible, base_url: "${emulator.url}/v1", api_key: sk-openai-upstream }
  eu: { type: mistral, base_url: "${emulator.url}/v1", api_key: sk-openai-upstream }
  google: { type: gemini, base_url: "${emulator.url}", api_key: gemini-upstream-key }
  gcp: { type: vertex, base_url: "${vertex.url}", project: embed-project, location: us-central1, credentials_file: "${serviceAccount}" }
  aws:
    type: bedrock
    base_url: "${bedrock.url}"
    region: us-east-1
    access_key_id: ${credentials.accessKeyId}
    secret_access_key: "${credentials.secretAccessKey}"
models:
  small: { provider: oai, model: text-embedding-3-small }
  azure-small: { provider: azure, model: text-embedding-3-small }
  local-ada: { provider: local, model: text-embedding-ada-002 }
  mistral-like: { provider: eu, model: text-embedding-3-small }
  gemini-embed: { provider: google, model: gemini-embedding-001 }
  vertex-embed: { provider: gcp, model: gemini-embedding-001 }
  titan: { provider: aws, model: amazon.titan-embed-text-v2:0 }
  cohere: { provider: aws, model: cohere.embed-english-v3 }
  chat-only: { provider: aws, model: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }
keys:
  - { name: dev, key: sk-embeddings-e2e-01 }
  - { name: narrow, key: sk-embeddings-narrow-01, models_allowed: [titan] }
  - { name: broke, key: sk-embeddings-broke-01, budget: { limit_usd: 0, window: month, mode: hard } }
routing:
  retry: { max_attempts: 1 }
`);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-embeddings-e2e-01', maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await vertex.close();
  await tokens.close();
  await bedrock.close();
  await anthropic.close();
  await emulator.close();
});

const texts = ['the quick brown fox', 'jumps over the lazy dog', 'ünïcödé ✓'];
const close = (actual: number[], expected: number[]) => {
  assert.equal(actual.length, expected.length, 'dimensions');
  for (const [index, value] of expected.entries()) assert.ok(Math.abs(actual[index]! - value) < 1e-6, `component ${index}`);
};

describe('/v1/embeddings through the openai SDK', () => {
  for (const [alias, size, dimensions] of [
    ['small', 1536, undefined],
    ['small', 256, 256],
    ['azure-small', 1536, undefined],
    ['local-ada', 1536, undefined],
    ['mistral-like', 512, 512],
    ['gemini-embed', 768, 768],
    ['vertex-embed', 3072, undefined],
    ['titan', 1024, undefined],
    ['titan', 256, 256],
    ['cohere', 1024, undefined],
  ] as const) {
    test(`${alias}${dimensions ? ` (dimensions ${dimensions})` : ''}: one vector per text, in order, base64 by default and float on request`, async () => {
      for (const encoding_format of [undefined, 'float'] as const) {
        const answer = await client.embeddings.create({
          model: alias,
          input: texts,
          ...(dimensions ? { dimensions } : {}),
          ...(encoding_format ? { encoding_format } : {}),
        });
        assert.equal(answer.model, alias);
        assert.equal(answer.data.length, texts.length);
        for (const [index, text] of texts.entries()) {
          assert.equal(answer.data[index]!.index, index);
          close(answer.data[index]!.embedding, fakeEmbedding(text, size));
        }
        assert.ok(answer.usage.prompt_tokens > 0);
      }
      const single = await client.embeddings.create({ model: alias, input: 'one text', ...(dimensions ? { dimensions } : {}) });
      close(single.data[0]!.embedding, fakeEmbedding('one text', size));
    });
  }

  test('the upstream saw its own shapes: model ids, SigV4, OAuth2, one Vertex instance per call', () => {
    const titan = bedrock.requests.find((request) => request.url.includes('titan'));
    assert.equal(titan?.url, `/model/${encodeURIComponent('amazon.titan-embed-text-v2:0')}/invoke`);
    assert.match(String(titan?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    const predict = vertex.requests.find((request) => request.url.endsWith(':predict'));
    assert.equal(predict?.body.instances.length, 1);
    assert.match(String(predict?.headers.authorization), /^Bearer ya29\./);
    const batch = emulator.requests.find((request) => request.url.includes(':batchEmbedContents'));
    assert.equal(batch?.body.requests.length, texts.length);
  });

  test('one log row per call with usage and cost; token arrays only to OpenAI-shaped servers; allowlists and budgets hold', async () => {
    await client.embeddings.create({
      model: 'small',
      input: [
        [1, 2, 3, 4],
        [5, 6],
      ],
    });
    const [row] = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 });
    assert.equal(row?.outcome, 'ok');
    assert.equal(row?.endpoint, '/v1/embeddings');
    assert.equal(row?.provider, 'oai');
    assert.ok((row?.inputTokens ?? 0) > 0);
    const titan = await client.embeddings.create({ model: 'titan', input: 'x'.repeat(4000) });
    assert.equal(titan.usage.prompt_tokens, 1000, "Titan's own inputTextTokenCount");
    const [titanRow] = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 });
    assert.equal(titanRow?.costMicros, 20, '1000 tokens at $0.02 per million');

    await assert.rejects(client.embeddings.create({ model: 'gemini-embed', input: [1, 2, 3] }), (error: { status?: number }) => error.status === 400);
    await assert.rejects(
      client.embeddings.create({ model: 'chat-only', input: 'hi' }),
      (error: { status?: number; message?: string }) => error.status === 400 && /not a Bedrock embeddings model/.test(String(error.message)),
    );
    const narrow = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-embeddings-narrow-01', maxRetries: 0 });
    await assert.rejects(narrow.embeddings.create({ model: 'small', input: 'hi' }), (error: { status?: number }) => error.status === 403);
    assert.equal((await narrow.embeddings.create({ model: 'titan', input: 'hi' })).data.length, 1);
    const broke = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-embeddings-broke-01', maxRetries: 0 });
    const before = emulator.requests.length;
    await assert.rejects(broke.embeddings.create({ model: 'small', input: 'hi' }), (error: { status?: number }) => error.status === 429);
    assert.equal(emulator.requests.length, before, 'nothing reached the provider over budget');
    const [brokeRow] = await gateway.gateway.storage.logs.query({ key: 'broke', limit: 1 });
    assert.equal(brokeRow?.outcome, 'rejected_budget');
    await assert.rejects(
      client.embeddings.create({ model: 'small', input: 'hi', encoding_format: 'int8' as 'float' }),
      (error: { status?: number }) => error.status === 400,
    );
  });
});
