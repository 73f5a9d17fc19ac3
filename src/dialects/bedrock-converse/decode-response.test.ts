import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { decodeResponse } from './decode-response.ts';
import { decodeError } from './errors.ts';
import { converseContext, llamaTarget, readJsonFixture } from '../../../test/support/dialects/bedrock-converse.ts';

describe('Converse answers', () => {
  test('tool-use-with-thinking.claude: signed reasoning, text and a tool call, stop reason tool_use', () => {
    const response = decodeResponse(readJsonFixture('tool-use-with-thinking.claude.response.json'), converseContext());
    assert.deepEqual(
      response.content.map((block) => block.type),
      ['reasoning', 'text', 'tool-call'],
    );
    const [reasoning, , call] = response.content;
    assert.ok(reasoning?.type === 'reasoning' && reasoning.family === 'anthropic' && reasoning.signature?.startsWith('ErcBCkgI'));
    assert.ok(call?.type === 'tool-call' && call.name === 'get_user_country' && call.input === '{}' && call.callId === 'tooluse_W9DaUFg4Tj2cRPpndqxWSg');
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_use' });
  });

  test('reasoning.deepseek: reasoning without a signature is plain reasoning text of another family', () => {
    const response = decodeResponse(readJsonFixture('reasoning.deepseek.response.json'), converseContext({}, llamaTarget));
    const reasoning = response.content.find((block) => block.type === 'reasoning');
    assert.ok(reasoning?.type === 'reasoning' && reasoning.family === 'openai-compatible' && reasoning.signature === undefined);
    assert.deepEqual(response.usage, { inputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 693, reasoningTokens: 0 });
  });

  test('cache reads and writes count into the input', () => {
    const body = {
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 2, cacheReadInputTokens: 100, cacheWriteInputTokens: 50 },
    };
    assert.deepEqual(decodeResponse(body, converseContext()).usage, {
      inputTokens: 160,
      cachedInputTokens: 100,
      cacheWriteTokens: 50,
      outputTokens: 2,
      reasoningTokens: 0,
    });
  });

  test('guardrail_intervened is content_filter; an answer without output is a bad response', () => {
    const body = { output: { message: { role: 'assistant', content: [{ text: 'Sorry.' }] } }, stopReason: 'guardrail_intervened', usage: {} };
    assert.deepEqual(decodeResponse(body, converseContext()).finishReason, { unified: 'content_filter', raw: 'guardrail_intervened' });
    assert.throws(
      () => decodeResponse({ stopReason: 'end_turn' }, converseContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_bad_response',
    );
  });

  test('error-400-unknown-model: a ValidationException is the caller’s fault with Bedrock’s words', () => {
    const headers = new Headers({ 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' });
    const error = decodeError(400, readJsonFixture('error-400-unknown-model.json'), headers);
    assert.equal(error.code, 'caller_invalid_request');
    assert.equal(error.message, 'The provided model identifier is invalid.');
    assert.equal(decodeError(429, { message: 'slow down' }, new Headers({ 'x-amzn-errortype': 'ThrottlingException' })).code, 'provider_rate_limited');
  });

  test('a bad signature through Converse is the credentials error InvokeModel gives (one classification), without Bedrock’s words', () => {
    const headers = new Headers({ 'x-amzn-errortype': 'InvalidSignatureException' });
    const error = decodeError(400, { message: 'The request signature we calculated does not match, account 123456789012' }, headers);
    assert.equal(error.code, 'provider_authentication');
    assert.doesNotMatch(error.message, /123456789012/);
    assert.equal(decodeError(400, { __type: 'com.amazon.coral.service#UnrecognizedClientException' }, new Headers()).code, 'provider_authentication');
  });
});
