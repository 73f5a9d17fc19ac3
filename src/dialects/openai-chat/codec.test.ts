import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiChatCodec, readChatUsage } from './index.ts';
import { ChatStreamDecoder } from './stream-decoder.ts';
import { ChatStreamEncoder } from './stream-encoder.ts';
import { clientContext, exchangeContext, fixtureEvents } from '../../../test/support/dialects/openai-chat.ts';

test('openaiChatCodec wires both halves', () => {
  assert.equal(openaiChatCodec.id, 'openai-chat');
  assert.ok(openaiChatCodec.createStreamDecoder(exchangeContext()) instanceof ChatStreamDecoder);
  assert.ok(openaiChatCodec.createStreamEncoder(clientContext()) instanceof ChatStreamEncoder);
  assert.equal(openaiChatCodec.decodeError(429, { error: { message: 'x', code: 'insufficient_quota' } }, new Headers()).code, 'provider_quota_exceeded');
  assert.equal(openaiChatCodec.encodeError({ code: 'policy_model_not_found', message: 'no' }).status, 404);
});

test('readChatUsage meters a passthrough stream from its usage chunk only', () => {
  const payloads = fixtureEvents('azure-prompt-filter-prelude.jsonl').map((event) => JSON.parse(event.data) as unknown);
  const found = payloads.map(readChatUsage).filter((usage) => usage !== undefined);
  assert.deepEqual(found, [{ inputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 78, reasoningTokens: 64 }]);
});
