import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import type { ReasoningBlock } from '../../core/ir/index.ts';
import { sealReasoning } from '../shared/carried-reasoning.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeRequest as encodeResponsesRequest } from '../openai-responses/encode-request.ts';

// What Claude Code sends back at turn 2 after an OpenAI upstream's turn 1: the thinking block
// the gateway wrote, its signature echoed verbatim.
function turnTwo(signature: string) {
  return {
    model: 'claude-on-gpt',
    max_tokens: 32000,
    thinking: { type: 'adaptive' },
    tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
    messages: [
      { role: 'user', content: 'Write the file.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: '', signature },
          { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'true' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'ok' }] },
    ],
  };
}

const reasoning: ReasoningBlock = { type: 'reasoning', family: 'openai', itemId: 'rs_9', summary: ['plan'], encryptedContent: 'gAAAA-issued' };

describe('OpenAI reasoning carried through an Anthropic client', () => {
  test('the sealed signature decodes to the OpenAI reasoning, replayed verbatim to OpenAI and never to Anthropic', () => {
    const warnings = new Warnings();
    const request = decodeRequest(turnTwo(sealReasoning([reasoning])), warnings);
    assert.deepEqual(request.messages[1]?.content[0], reasoning);
    const context = { request, toolNames: ToolNameMap.fromTools(request.tools), warnings };
    const toOpenAI = encodeResponsesRequest({ ...context, target: { model: 'gpt-5.5', family: 'openai' } }) as { input: Array<Record<string, unknown>> };
    assert.deepEqual(
      toOpenAI.input.find((item) => item.type === 'reasoning'),
      { type: 'reasoning', id: 'rs_9', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'gAAAA-issued' },
    );
    const toAnthropic = JSON.stringify(encodeRequest({ ...context, target: { model: 'claude-sonnet-4-5', family: 'anthropic' } }));
    assert.doesNotMatch(toAnthropic, /sy1\.|gAAAA/);
  });

  test('an envelope this gateway did not seal is dropped with a warning, not sent anywhere', () => {
    const forged = sealReasoning([reasoning]).replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    const warnings = new Warnings();
    const request = decodeRequest(turnTwo(forged), warnings);
    assert.deepEqual(
      request.messages[1]?.content.map((block) => block.type),
      ['tool-call'],
    );
    assert.ok(warnings.list.some((warning) => warning.code === 'reasoning_dropped'));
  });
});
