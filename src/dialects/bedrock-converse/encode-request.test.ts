import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../core/ir/index.ts';
import { encodeRequest } from './encode-request.ts';
import { decodeRequest } from './decode-request.ts';
import { Warnings } from '../../core/warnings.ts';
import { converseContext, llamaTarget, readJsonFixture } from '../../../test/support/dialects/bedrock-converse.ts';

const shell = {
  kind: 'function' as const,
  name: 'exec_command',
  description: 'Run a command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
};
const loop: Message[] = [
  { role: 'user', content: [{ type: 'text', text: 'List files.' }] },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', family: 'anthropic', summary: ['I will list them.'], signature: 'sig-1' },
      { type: 'tool-call', callId: 'call.1', name: 'exec_command', kind: 'function', input: '{"cmd":"ls"}' },
    ],
  },
  { role: 'tool', content: [{ type: 'tool-result', callId: 'call.1', kind: 'function', output: 'a.txt' }] },
];

describe('IR → Converse requests', () => {
  test('Claude: system with a cache point, signed reasoning first in the assistant turn, the tool result answering it, thinking budget', () => {
    const context = converseContext({
      system: [{ type: 'text', text: 'Be terse.', cacheControl: { type: 'ephemeral' } }],
      messages: loop,
      tools: [shell],
      reasoning: { effort: 'high' },
    });
    const body = encodeRequest(context);
    assert.deepEqual(body.system, [{ text: 'Be terse.' }, { cachePoint: { type: 'default' } }]);
    assert.deepEqual(body.messages[1], {
      role: 'assistant',
      content: [
        { reasoningContent: { reasoningText: { text: 'I will list them.', signature: 'sig-1' } } },
        { toolUse: { toolUseId: 'call_1', name: 'exec_command', input: { cmd: 'ls' } } },
      ],
    });
    assert.deepEqual(body.messages[2], { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'a.txt' }], status: 'success' } }] });
    assert.deepEqual(body.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 24_576 } });
    assert.ok(body.inferenceConfig?.maxTokens !== undefined && body.inferenceConfig.maxTokens > 24_576);
    assert.equal(body.toolConfig?.tools[0] && 'toolSpec' in body.toolConfig.tools[0] && body.toolConfig.tools[0].toolSpec.name, 'exec_command');
  });

  test('Llama: no reasoning replayed, no Claude fields, a warning; forced tool use is any', () => {
    const context = converseContext(
      { messages: loop, tools: [shell], reasoning: { effort: 'high' }, toolChoice: { type: 'required' }, temperature: 0.3 },
      llamaTarget,
    );
    const body = encodeRequest(context);
    assert.deepEqual(body.messages[1]?.content, [{ toolUse: { toolUseId: 'call_1', name: 'exec_command', input: { cmd: 'ls' } } }]);
    assert.equal(body.additionalModelRequestFields, undefined);
    assert.deepEqual(body.toolConfig?.toolChoice, { any: {} });
    assert.deepEqual(body.inferenceConfig, { temperature: 0.3 });
    assert.ok(context.warnings.list.some((warning) => warning.code === 'field_dropped' && /Reasoning settings/.test(warning.message)));
  });

  test('turns alternate and start with the user; a tool the history names but the request no longer declares is declared', () => {
    const context = converseContext(
      {
        messages: [
          { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
          { role: 'user', content: [{ type: 'text', text: 'one' }] },
          { role: 'user', content: [{ type: 'text', text: 'two' }] },
          ...loop.slice(1),
        ],
      },
      llamaTarget,
    );
    const body = encodeRequest(context);
    assert.deepEqual(
      body.messages.map((message) => message.role),
      ['user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.deepEqual(body.messages[2]?.content, [{ text: 'one' }, { text: 'two' }]);
    assert.equal(body.toolConfig?.tools.length, 1);
  });

  test('Claude: a tool loop whose calls came without Claude reasoning turns thinking off (Claude would refuse it)', () => {
    const foreign: Message[] = [loop[0]!, { role: 'assistant', content: [loop[1]!.content[1]!] }, loop[2]!];
    const context = converseContext({ messages: foreign, tools: [shell], reasoning: { effort: 'high' } });
    const body = encodeRequest(context);
    assert.equal(body.additionalModelRequestFields, undefined);
    assert.ok(context.warnings.list.some((warning) => warning.code === 'thinking_disabled'));
  });

  test('tool-result-with-signature.claude.request.json: decoded and encoded again, the signed reasoning and the pairing survive', () => {
    const recorded = readJsonFixture('tool-result-with-signature.claude.request.json');
    const request = decodeRequest(recorded, new Warnings());
    const body = encodeRequest(converseContext(request));
    assert.deepEqual(body.messages, recorded.messages);
  });
});
