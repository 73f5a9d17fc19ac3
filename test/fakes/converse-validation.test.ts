// The Converse validator and the Bedrock emulator's Converse routes reject what Bedrock rejects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createThinkingSigner } from './anthropic-thinking-signer.ts';
import { startBedrockEmulator, type BedrockEmulator } from './bedrock-emulator.ts';
import { validateConverseRequest } from './converse-request-validator.ts';

const claude = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const llama = 'meta.llama3-3-70b-instruct-v1:0';
const signer = createThinkingSigner();
const tools = { tools: [{ toolSpec: { name: 'exec', inputSchema: { json: { type: 'object', properties: {} } } } }] };
const user = (text: string) => ({ role: 'user', content: [{ text }] });
const rejects = (body: unknown, model: string, pattern: RegExp) => {
  const result = validateConverseRequest(body, model, signer);
  assert.equal(result.ok, false, `accepted: ${JSON.stringify(body)}`);
  assert.match(result.ok ? '' : result.message, pattern);
};

describe('Converse request validation', () => {
  test('unknown top-level fields, blank text, a first assistant turn, turns that do not alternate', () => {
    rejects({ messages: [user('hi')], model: 'x' }, llama, /extraneous key \[model\]/);
    rejects({ messages: [user(' ')] }, llama, /is blank/);
    rejects({ messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }, llama, /must start with a user message/);
    rejects({ messages: [user('a'), user('b')] }, llama, /must alternate/);
    assert.equal(validateConverseRequest({ messages: [user('hi')], inferenceConfig: { maxTokens: 10 } }, llama, signer).ok, true);
  });

  test('tool blocks need a toolConfig, and results answer exactly the previous turn’s calls', () => {
    const call = { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'exec', input: {} } }] };
    const result = (id: string) => ({ role: 'user', content: [{ toolResult: { toolUseId: id, content: [{ text: 'ok' }] } }] });
    rejects({ messages: [user('go'), call, result('tooluse_1')] }, llama, /toolConfig field must be defined/);
    rejects({ messages: [user('go'), call, result('tooluse_2')], toolConfig: tools }, llama, /Expected toolResult blocks .* tooluse_1/);
    rejects({ messages: [user('go'), call, user('no result')], toolConfig: tools }, llama, /Expected toolResult blocks/);
    assert.equal(validateConverseRequest({ messages: [user('go'), call, result('tooluse_1')], toolConfig: tools }, llama, signer).ok, true);
  });

  test('reasoning: Claude’s must carry a signature this emulator issued; other models take none; thinking needs it first in a tool loop', () => {
    const reasoning = (text: string, signature: string) => ({ reasoningContent: { reasoningText: { text, signature } } });
    const loop = (first: unknown[]) => [
      user('go'),
      { role: 'assistant', content: [...first, { toolUse: { toolUseId: 'tooluse_1', name: 'exec', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'ok' }] } }] },
    ];
    const thinking = {
      inferenceConfig: { maxTokens: 4096 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
      toolConfig: tools,
    };
    const good = reasoning('plan', signer.signThinking('plan'));
    assert.equal(validateConverseRequest({ messages: loop([good]), ...thinking }, claude, signer).ok, true);
    rejects({ messages: loop([reasoning('edited plan', signer.signThinking('plan'))]), ...thinking }, claude, /Invalid `signature`/);
    rejects({ messages: loop([reasoning('plan', createThinkingSigner().signThinking('plan'))]), ...thinking }, claude, /Invalid `signature`/);
    rejects({ messages: loop([]), ...thinking }, claude, /must start with a thinking block/);
    rejects({ messages: loop([good]), toolConfig: tools }, llama, /doesn't support the reasoningContent field/);
    rejects(
      { messages: [user('hi')], additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } },
      llama,
      /extraneous key \[thinking\]/,
    );
    rejects(
      { messages: [user('hi')], inferenceConfig: { maxTokens: 1000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } },
      claude,
      /must be greater than/,
    );
  });
});

describe('the Bedrock emulator’s Converse routes', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  let bedrock: BedrockEmulator;
  before(async () => {
    bedrock = await startBedrockEmulator({
      region: 'us-west-2',
      credentials,
      anthropic: { url: 'http://127.0.0.1:9', apiKey: 'unused' },
      converse: { respond: () => ({ text: 'hi there' }) },
    });
  });
  after(() => bedrock.close());

  const call = async (secret: string, body: unknown, action = 'converse') => {
    const url = new URL(`${bedrock.url}/model/${encodeURIComponent(`us.${llama}`)}/${action}`);
    const text = JSON.stringify(body);
    const signed = await new SignatureV4({
      credentials: { ...credentials, secretAccessKey: secret },
      region: 'us-west-2',
      service: 'bedrock',
      sha256: Sha256,
    }).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json' },
      body: text,
    });
    return fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: text });
  };

  test('a signed, valid body is answered; a wrong secret is a 403; an invalid body a ValidationException', async () => {
    const ok = await call(credentials.secretAccessKey, { messages: [user('hi')] });
    assert.equal(ok.status, 200);
    const answer = (await ok.json()) as { output: { message: { content: Array<{ text: string }> } }; stopReason: string };
    assert.equal(answer.output.message.content[0]?.text, 'hi there');
    assert.equal(answer.stopReason, 'end_turn');
    const forged = await call('not-the-secret', { messages: [user('hi')] });
    assert.equal(forged.status, 403);
    assert.match(String(forged.headers.get('x-amzn-errortype')), /^InvalidSignatureException/);
    const invalid = await call(credentials.secretAccessKey, { messages: [user('hi')], stream: true });
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.headers.get('x-amzn-errortype')), /^ValidationException/);
  });

  test('converse-stream answers in the event stream with :event-type headers', async () => {
    const streamed = await call(credentials.secretAccessKey, { messages: [user('hi')] }, 'converse-stream');
    assert.equal(streamed.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    await streamed.arrayBuffer();
    assert.deepEqual(
      bedrock.streamed.at(-1)?.map((frame) => frame.eventType),
      ['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata'],
    );
  });
});
