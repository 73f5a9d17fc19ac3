import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

let anthropic: AnthropicEmulator;
let gemini: GeminiEmulator;
let openai: ResponsesEmulator;
let gateway: TestGateway;

before(async () => {
  anthropic = await startAnthropicEmulator({ respond: [] });
  gemini = await startGeminiEmulator({ respond: [] });
  openai = await startResponsesEmulator({ respond: [] });
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-upstream-test }
  goog: { type: gemini, base_url: "${gemini.url}", api_key: gemini-upstream-test }
  oai: { type: openai, base_url: "${openai.url}", api_key: sk-upstream-test }
models:
  claude: { provider: anthro, model: claude-sonnet-4-5 }
  gemini-pro: { provider: goog, model: gemini-2.5-pro }
  gpt: { provider: oai, model: gpt-5.5 }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([anthropic.close(), gemini.close(), openai.close()]);
});

const messages = [{ role: 'user' as const, content: 'How many tokens is this sentence, roughly?' }];

test('Anthropic count_tokens is exact when the model is on Anthropic (the provider counts)', async () => {
  const client = new Anthropic({ apiKey: 'unused', baseURL: gateway.url, maxRetries: 0 });
  const { data, response } = await client.messages.countTokens({ model: 'claude', messages }).withResponse();
  assert.ok(data.input_tokens > 0);
  assert.equal(response.headers.get('x-switchyard-token-count'), 'exact');
  const upstream = anthropic.requests.find((request) => request.url.startsWith('/v1/messages/count_tokens'));
  assert.equal(upstream?.body.model, 'claude-sonnet-4-5');
  assert.equal(upstream?.headers['x-api-key'], 'sk-ant-upstream-test');
});

test('on a provider without a counting endpoint it is an estimate, marked as such', async () => {
  const client = new Anthropic({ apiKey: 'unused', baseURL: gateway.url, maxRetries: 0 });
  const { data, response } = await client.messages.countTokens({ model: 'gpt', messages }).withResponse();
  assert.ok(data.input_tokens > 0);
  assert.equal(response.headers.get('x-switchyard-token-count'), 'estimated');
  assert.equal(openai.requests.length, 0, 'nothing was sent to OpenAI');
});

test('Gemini countTokens is exact on Gemini and estimated elsewhere', async () => {
  const genai = new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: gateway.url } });
  const exact = await genai.models.countTokens({ model: 'gemini-pro', contents: 'Count these words please.' });
  assert.ok((exact.totalTokens ?? 0) > 0);
  assert.ok(gemini.requests.some((request) => request.url.includes('gemini-2.5-pro:countTokens')));
  const estimated = await genai.models.countTokens({ model: 'claude', contents: 'Count these words please.' });
  assert.ok((estimated.totalTokens ?? 0) > 0);
});

test("an unknown model is the surface's own 404 error", async () => {
  const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'nope', messages }),
  });
  assert.equal(response.status, 404);
  const body = (await response.json()) as { type: string; error: { type: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'not_found_error');
});
