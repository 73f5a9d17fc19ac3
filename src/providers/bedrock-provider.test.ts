import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { bedrockProvider, usesConverse } from './bedrock-provider.ts';
import type { ProviderSettings } from './provider-descriptor.ts';

const settings: ProviderSettings = {
  name: 'aws',
  type: 'bedrock',
  baseUrl: 'https://bedrock-runtime.us-west-2.amazonaws.com',
  headers: {},
  region: 'us-west-2',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: { reveal: () => 'secret' } },
};
const converseClaude: ProviderSettings = { ...settings, quirks: { bedrock_api: 'converse' } };
const claude = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const nova = 'amazon.nova-pro-v1:0';
const encoder = new TextEncoder();
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => encoder.encode(text),
);
const frame = (messageType: string, typeHeader: string, type: string, payload: unknown) =>
  Buffer.from(
    codec.encode({
      headers: { ':message-type': { type: 'string', value: messageType }, [typeHeader]: { type: 'string', value: type } },
      body: encoder.encode(JSON.stringify(payload)),
    }),
  );

describe('type: bedrock picks InvokeModel or Converse per model', () => {
  test('Claude (any profile prefix) uses InvokeModel unless bedrock_api: converse; every other model Converse', () => {
    assert.equal(usesConverse(claude, settings), false);
    assert.equal(usesConverse(`arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0`, settings), false);
    assert.equal(usesConverse(claude, converseClaude), true);
    for (const model of [nova, 'us.meta.llama3-3-70b-instruct-v1:0', 'mistral.mistral-large-2407-v1:0', 'us.deepseek.r1-v1:0', 'cohere.command-r-plus-v1:0']) {
      assert.equal(usesConverse(model, settings), true, model);
    }
  });

  test('URLs and dialects follow the choice; the family is Claude’s only for Claude', () => {
    assert.equal(bedrockProvider.prepare(settings, { model: nova, stream: true }).url, `${settings.baseUrl}/model/amazon.nova-pro-v1%3A0/converse-stream`);
    assert.equal(bedrockProvider.prepare(settings, { model: nova, stream: false }).url, `${settings.baseUrl}/model/amazon.nova-pro-v1%3A0/converse`);
    assert.match(bedrockProvider.prepare(settings, { model: claude, stream: true }).url, /\/invoke-with-response-stream$/);
    assert.match(bedrockProvider.prepare(converseClaude, { model: claude, stream: true }).url, /\/converse-stream$/);
    assert.deepEqual(bedrockProvider.modelDialect?.(nova, settings), { dialect: 'bedrock-converse', family: 'openai-compatible' });
    assert.deepEqual(bedrockProvider.modelDialect?.(claude, converseClaude), { dialect: 'bedrock-converse', family: 'anthropic' });
    assert.equal(bedrockProvider.modelDialect?.(claude, settings), undefined);
  });

  test('a Converse body is sent as encoded, signed; its stream is reframed into ConverseStream members', async () => {
    const transport = bedrockProvider.createTransport!(settings);
    const body = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    const url = `${settings.baseUrl}/model/amazon.nova-pro-v1%3A0/converse-stream`;
    const finished = await transport.finish({ url, headers: { 'content-type': 'application/json' }, body, model: nova, stream: true });
    assert.equal(finished.body, body);
    assert.match(String(finished.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
    const reframer = transport.createStreamReframer!({ model: nova });
    const sse = Buffer.concat([
      reframer.push(frame('event', ':event-type', 'contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' }, p: 'abc' })),
      reframer.push(frame('exception', ':exception-type', 'throttlingException', { message: 'slow down' })),
      reframer.finish(),
    ]).toString('utf8');
    assert.equal(sse, 'data: {"contentBlockDelta":{"contentBlockIndex":0,"delta":{"text":"Hi"}}}\n\ndata: {"throttlingException":{"message":"slow down"}}\n\n');
  });
});
