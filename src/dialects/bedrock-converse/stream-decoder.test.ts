import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream } from '../../core/ir/index.ts';
import { converseContext, converseSse, decodeConverseStream, llamaTarget } from '../../../test/support/dialects/bedrock-converse.ts';

describe('ConverseStream decoding', () => {
  test('reasoning-signature-stream.claude: reasoning text and its signature, then text, usage from metadata', () => {
    const response = foldStream(decodeConverseStream({ fixture: 'reasoning-signature-stream.claude.eventstream' }));
    const [reasoning, text] = response.content;
    assert.equal(reasoning?.type, 'reasoning');
    assert.ok(reasoning?.type === 'reasoning' && reasoning.family === 'anthropic' && reasoning.signature?.startsWith('Eu0CCkgI'));
    assert.ok(reasoning?.type === 'reasoning' && reasoning.summary.join('').startsWith('The user has greeted me with a simple "Hello".'));
    assert.equal(text?.type === 'text' && text.text, "Hello! It's nice to meet you. How can I help you today?");
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'end_turn' });
    assert.deepEqual(response.usage, { inputTokens: 36, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 73, reasoningTokens: 0 });
  });

  test('reasoning-redacted-stream.claude: redacted content is kept as the block’s redacted data', () => {
    const response = foldStream(decodeConverseStream({ fixture: 'reasoning-redacted-stream.claude.eventstream' }));
    const redacted = response.content.find((block) => block.type === 'reasoning');
    assert.ok(redacted?.type === 'reasoning' && typeof redacted.redactedData === 'string' && redacted.redactedData.length > 20);
  });

  test('tool-use-stream.nova: text, then contentBlockStart opens the call and its toolUse.input delta is the input', () => {
    const response = foldStream(decodeConverseStream({ fixture: 'tool-use-stream.nova.eventstream' }, converseContext({}, llamaTarget)));
    const call = response.content.find((block) => block.type === 'tool-call');
    assert.ok(call?.type === 'tool-call' && call.callId.startsWith('tooluse_'));
    assert.equal(call?.type === 'tool-call' && call.name, 'get_temperature');
    assert.deepEqual(call?.type === 'tool-call' && JSON.parse(call.input), { city: 'Paris' });
    assert.equal(response.finishReason.unified, 'tool_calls');
  });

  test('an exception inside the stream ends it with the classified error', () => {
    const events = decodeConverseStream({
      sse: converseSse([
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { delta: { text: 'Hi' }, contentBlockIndex: 0 } },
        { throttlingException: { message: 'Too many tokens' } },
      ]),
    });
    const last = events.at(-1);
    assert.ok(last?.type === 'error' && last.error.code === 'provider_rate_limited' && last.error.message === 'Too many tokens');
    const validation = decodeConverseStream({ sse: converseSse([{ validationException: { message: 'Input is too long for requested model.' } }]) });
    assert.ok(validation[0]?.type === 'error' && validation[0].error.code === 'caller_context_length_exceeded');
  });

  test('messageStop without metadata still ends the response; a stream without messageStop is an error', () => {
    const ended = decodeConverseStream({ sse: converseSse([{ messageStart: { role: 'assistant' } }, { messageStop: { stopReason: 'max_tokens' } }]) });
    assert.deepEqual(ended.at(-1), { type: 'response-end', finishReason: { unified: 'length', raw: 'max_tokens' } });
    const cut = decodeConverseStream({
      sse: converseSse([{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { delta: { text: 'Hi' }, contentBlockIndex: 0 } }]),
    });
    assert.ok(cut.at(-1)?.type === 'error');
  });

  test('a tool call cut off by max_tokens is not returned', () => {
    const context = converseContext();
    const events = decodeConverseStream(
      {
        sse: converseSse([
          { messageStart: { role: 'assistant' } },
          { contentBlockStart: { start: { toolUse: { toolUseId: 'tooluse_1', name: 'exec' } }, contentBlockIndex: 0 } },
          { contentBlockDelta: { delta: { toolUse: { input: '{"cmd": "ls' } }, contentBlockIndex: 0 } },
          { messageStop: { stopReason: 'max_tokens' } },
          { metadata: { usage: { inputTokens: 3, outputTokens: 5 } } },
        ]),
      },
      context,
    );
    assert.equal(
      events.some((event) => event.type === 'block-end'),
      false,
    );
    assert.equal(events.at(-1)?.type === 'response-end' && events.at(-1)?.type, 'response-end');
    assert.ok(context.warnings.list.some((warning) => warning.code === 'tool_call_dropped'));
  });
});
