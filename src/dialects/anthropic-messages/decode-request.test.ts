import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import type { ModelRequest } from '../../core/ir/index.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { readJsonFixture } from '../../../test/support/dialects/anthropic-messages.ts';
import { encodedRequestContext, validateAnthropicRequest } from '../../../test/fakes/anthropic-request-validator.ts';

type Json = Record<string, any>;

function claudeCode(name: string): Json {
  return readJsonFixture<{ body: Json }>(`claude-code/${name}`).body;
}

function decode(body: unknown): { request: ModelRequest; warnings: Warnings } {
  const warnings = new Warnings();
  return { request: decodeRequest(body, warnings), warnings };
}

/** IR → Anthropic again, for the model the client named. */
function reencode(request: ModelRequest, model = request.model): Json {
  const context = { request, target: { model, family: 'anthropic' as const }, toolNames: ToolNameMap.fromTools(request.tools), warnings: new Warnings() };
  return encodeRequest(context) as Json;
}

describe('decoding what Claude Code sends', () => {
  const body = claudeCode('tooluse/003-POST_v1_messages_beta_true.json');

  test('system blocks keep their cache breakpoints; the thinking signature and tool call survive', () => {
    const { request, warnings } = decode(body);
    assert.equal(request.system.length, body.system.length);
    assert.deepEqual(request.system[1], { type: 'text', text: body.system[1].text, cacheControl: { type: 'ephemeral' } });
    const assistant = request.messages.find((message) => message.role === 'assistant');
    assert.deepEqual(assistant?.content, [
      { type: 'reasoning', family: 'anthropic', summary: ['I should run echo.'], signature: 'SIG_MOCK_123' },
      {
        type: 'tool-call',
        callId: 'toolu_mock_1',
        name: 'Bash',
        kind: 'function',
        input: JSON.stringify({ command: 'echo hi-from-claude-tool', description: 'echo' }),
      },
    ]);
    assert.deepEqual(request.messages.at(-1), {
      role: 'tool',
      content: [{ type: 'tool-result', callId: 'toolu_mock_1', kind: 'function', name: 'Bash', output: body.messages.at(-1).content[0].content }],
    });
    assert.ok(warnings.list.some((warning) => warning.code === 'cache_control_dropped'));
  });

  test('thinking budget, max_tokens, user id, tools and unknown fields', () => {
    const { request } = decode(body);
    assert.deepEqual(request.reasoning, { budgetTokens: 31999, effort: 'high' });
    assert.equal(request.maxOutputTokens, 32000);
    assert.equal(request.user, body.metadata.user_id);
    assert.equal(request.stream, true);
    assert.equal(request.tools.length, 12);
    assert.ok(request.tools.every((tool) => tool.kind === 'function'));
    assert.deepEqual(
      request.tools.filter((tool) => tool.kind === 'function' && tool.deferLoading).map((tool) => tool.name),
      ['DeferredToolPlaceholder'],
    );
    assert.deepEqual(request.extensions['anthropic-messages'], { thinking: body.thinking, context_management: body.context_management });
  });

  test('re-encoded for Anthropic it is the same request, bar the tool_result breakpoint the IR cannot hold', () => {
    const { request } = decode(body);
    const again = reencode(request);
    assert.equal(validateAnthropicRequest(again, encodedRequestContext)?.message, undefined);
    const expectedMessages = structuredClone(body.messages);
    delete expectedMessages.at(-1).content[0].cache_control;
    delete expectedMessages.at(-1).content[0].is_error;
    assert.deepEqual(again.messages, expectedMessages);
    assert.deepEqual(again.system, body.system);
    assert.deepEqual(again.tools, body.tools);
    for (const key of ['model', 'max_tokens', 'thinking', 'context_management', 'metadata', 'stream']) assert.deepEqual(again[key], body[key], key);
  });

  test('adaptive thinking with an effort, and a system message inside messages', () => {
    const adaptive = claudeCode('default/002-POST_v1_messages_beta_true.json');
    const { request } = decode(adaptive);
    assert.deepEqual(request.reasoning, { effort: 'medium' });
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['user', 'system'],
    );
    const warnings = new Warnings();
    const again = encodeRequest({
      request,
      target: { model: 'claude-opus-5-5', family: 'anthropic' },
      toolNames: ToolNameMap.fromTools(request.tools),
      warnings,
    }) as Json;
    assert.deepEqual(again.thinking, { type: 'adaptive', display: 'omitted' });
    assert.deepEqual(again.output_config, { effort: 'medium' });
    assert.ok(
      JSON.stringify(again.messages).includes(JSON.stringify(`<system-reminder>\n${adaptive.messages[1].content[0].text}\n</system-reminder>`).slice(1, -1)),
      'the system turn stays in place as marked user text',
    );
    assert.ok(warnings.list.some((warning) => warning.code === 'system_message_moved'));
    assert.equal(validateAnthropicRequest(again, encodedRequestContext)?.message, undefined);
  });
});

describe('decoding recorded Anthropic requests', () => {
  test('thinking-signature.request.json round-trips exactly', () => {
    const body = readJsonFixture<Json>('thinking-signature.request.json');
    const { request } = decode(body);
    assert.deepEqual(request.reasoning, { budgetTokens: 1024, effort: 'low' });
    const again = reencode(request);
    delete again.messages[0].content[0].cache_control;
    assert.deepEqual(again, body);
  });

  test('parallel-tool-result.request.json: a string system, four calls and one user message of results', () => {
    const body = readJsonFixture<Json>('parallel-tool-result.request.json');
    const { request } = decode(body);
    assert.deepEqual(request.system, [{ type: 'text', text: body.system }]);
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['user', 'assistant', 'tool'],
    );
    assert.equal(request.messages[2]?.content.length, 4);
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    const again = reencode(request);
    assert.equal(validateAnthropicRequest(again, encodedRequestContext)?.message, undefined);
    const strip = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (key, inner) => (key === 'cache_control' || (key === 'is_error' && inner === false) ? undefined : inner)));
    assert.deepEqual(strip(again.messages), strip(body.messages));
    assert.deepEqual(strip(again.tools), body.tools);
    assert.deepEqual(
      again.system.map((block: Json) => block.text),
      [body.system],
    );
  });
});

describe('decoding rules', () => {
  test('server tools stay hosted for Anthropic; tool_choice any + disable_parallel_tool_use', () => {
    const { request } = decode({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
        { name: 'f', input_schema: { type: 'object' }, type: 'custom' },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      thinking: { type: 'disabled' },
      service_tier: 'auto',
    });
    assert.deepEqual(request.tools[0], {
      kind: 'hosted',
      dialect: 'anthropic-messages',
      type: 'web_search_20250305',
      value: { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
    });
    assert.deepEqual(request.tools[1], { kind: 'function', name: 'f', parameters: { type: 'object' } });
    assert.deepEqual([request.toolChoice, request.parallelToolCalls, request.reasoning], [{ type: 'required' }, false, { disabled: true }]);
    assert.deepEqual(request.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    assert.equal(request.extensions['anthropic-messages']?.service_tier, 'auto');
  });

  test('images, documents and unknown blocks; text between results keeps its order', () => {
    const { request } = decode({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' }, title: 'a.txt' },
            { type: 'search_result', source: 'x', title: 't', content: [] },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } },
      { type: 'file', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('hello').toString('base64') }, filename: 'a.txt' },
      { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'search_result', source: 'x', title: 't', content: [] } },
    ]);
  });

  test('unknown parts inside a tool result replay unchanged to Anthropic', () => {
    const reference = { type: 'tool_reference', tool_name: 'CronCreate' };
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [{ name: 'ToolSearch', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'find cron' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: { query: 'cron' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [reference] }] },
      ],
    };
    const { request } = decode(body);
    assert.deepEqual((request.messages[2]?.content[0] as { output: unknown }).output, [{ type: 'opaque', dialect: 'anthropic-messages', value: reference }]);
    assert.deepEqual(reencode(request).messages[2].content[0].content, [reference]);
  });

  test('malformed requests are caller errors naming the field', () => {
    const cases: Array<[unknown, string | undefined]> = [
      [{ model: 'm' }, 'messages'],
      [{ messages: [] }, 'model'],
      [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'm', messages: [], thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
      [{ model: 'm', messages: [], temperature: 'hot' }, 'temperature'],
      [[], undefined],
    ];
    for (const [body, param] of cases) {
      assert.throws(
        () => decode(body),
        (error: unknown) => error instanceof GatewayError && error.code === 'caller_invalid_request' && error.param === param,
        JSON.stringify(body),
      );
    }
  });
});
