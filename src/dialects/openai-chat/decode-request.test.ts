import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { warningCodes } from '../../../test/support/dialects/openai-chat.ts';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

/** A Chat Completions body using most of what clients send. */
function fullBody(): Record<string, any> {
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
      {
        role: 'user',
        name: 'alice',
        content: [
          { type: 'text', text: 'Weather here?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0', detail: 'high' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '12°C' },
      { role: 'assistant', content: 'It is 12°C.' },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema, strict: true } }],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
    max_completion_tokens: 300,
    temperature: 0.5,
    top_p: 1,
    stop: ['END'],
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: weatherSchema, strict: true } },
    user: 'u-42',
    seed: 7,
    logprobs: true,
    top_logprobs: 2,
    reasoning_effort: 'low',
    stream: true,
    stream_options: { include_usage: true },
  };
}

describe('decodeRequest', () => {
  test('every IR field of a full body', () => {
    const warnings = new Warnings();
    const request = decodeRequest(fullBody(), warnings);
    assert.equal(request.model, 'gpt-4o');
    assert.deepEqual(request.system, []);
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['system', 'developer', 'user', 'assistant', 'tool', 'assistant', 'user'],
    );
    assert.deepEqual(request.messages[2], {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0' }, detail: 'high' },
      ],
      extra: { name: 'alice' },
    });
    assert.deepEqual(request.messages[3]?.content, [{ type: 'tool-call', callId: 'call_1', name: 'get_weather', kind: 'function', input: '{"city":"Oslo"}' }]);
    assert.deepEqual(request.messages[4]?.content, [{ type: 'tool-result', callId: 'call_1', kind: 'function', name: 'get_weather', output: '12°C' }]);
    assert.deepEqual(request.tools, [{ kind: 'function', name: 'get_weather', description: 'Weather by city', parameters: weatherSchema, strict: true }]);
    assert.deepEqual(request.toolChoice, { type: 'tool', name: 'get_weather', kind: 'function' });
    assert.equal(request.parallelToolCalls, false);
    assert.equal(request.maxOutputTokens, 300);
    assert.equal(request.temperature, 0.5);
    assert.equal(request.topP, 1);
    assert.deepEqual(request.stopSequences, ['END']);
    assert.deepEqual(request.responseFormat, { type: 'json_schema', name: 'answer', schema: weatherSchema, strict: true });
    assert.equal(request.user, 'u-42');
    assert.deepEqual(request.reasoning, { effort: 'low' });
    assert.equal(request.stream, true);
    assert.deepEqual(request.extensions, { 'openai-chat': { seed: 7, logprobs: true, top_logprobs: 2, stream_options: { include_usage: true } } });
    assert.equal(warnings.size, 0);
  });

  test('a Chat body survives decode → encode for an OpenAI target', () => {
    const body = fullBody();
    const request = decodeRequest(body, new Warnings());
    const context = {
      request,
      target: { model: 'gpt-4o-2024-08-06', family: 'openai' as const, quirks: { developer_role: true, reasoning_effort: true } },
      toolNames: ToolNameMap.fromTools(request.tools),
      warnings: new Warnings(),
    };
    const encoded = encodeRequest(context);
    // Text-only parts come back as the equivalent plain string (what every server accepts).
    body.messages[1].content = 'Use tools.';
    assert.deepEqual(encoded, { ...body, model: 'gpt-4o-2024-08-06' });
    assert.deepEqual(context.warnings.list, []);
  });

  test('custom tools, allowed_tools, json_object, the legacy max_tokens and null as unset', () => {
    const request = decodeRequest(
      {
        model: 'gpt-5',
        messages: [
          { role: 'user', content: 'patch it' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } }] },
          { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'Done' }] },
        ],
        tools: [
          {
            type: 'custom',
            custom: { name: 'apply_patch', description: 'Patch files', format: { type: 'grammar', grammar: { syntax: 'lark', definition: 'start: x' } } },
          },
          { type: 'function', function: { name: 'ls' } },
          { type: 'web_search_preview' },
        ],
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'custom', custom: { name: 'apply_patch' } }] } },
        response_format: { type: 'json_object' },
        max_tokens: 64,
        temperature: null,
        n: 1,
      },
      new Warnings(),
    );
    assert.deepEqual(request.tools[0], {
      kind: 'custom',
      name: 'apply_patch',
      description: 'Patch files',
      format: { type: 'grammar', syntax: 'lark', definition: 'start: x' },
    });
    assert.deepEqual(request.tools[2], { kind: 'hosted', dialect: 'openai-chat', type: 'web_search_preview', value: { type: 'web_search_preview' } });
    assert.deepEqual(request.toolChoice, { type: 'allowed', mode: 'auto', names: ['apply_patch'] });
    assert.deepEqual(request.messages[1]?.content, [
      { type: 'text', text: '' },
      { type: 'tool-call', callId: 'c1', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' },
    ]);
    assert.deepEqual(request.messages[2]?.content, [
      { type: 'tool-result', callId: 'c1', kind: 'custom', name: 'apply_patch', output: [{ type: 'text', text: 'Done' }] },
    ]);
    assert.deepEqual(request.responseFormat, { type: 'json_object' });
    assert.equal(request.maxOutputTokens, 64);
    assert.equal(request.temperature, undefined);
    assert.deepEqual(request.extensions['openai-chat'], { n: 1 });
  });

  test('legacy functions, function_call and role "function" pair up by order', () => {
    const request = decodeRequest(
      {
        model: 'gpt-3.5-turbo',
        messages: [
          { role: 'user', content: 'time?' },
          { role: 'assistant', content: null, function_call: { name: 'now', arguments: '{}' } },
          { role: 'function', name: 'now', content: '12:00' },
        ],
        functions: [{ name: 'now', parameters: { type: 'object', properties: {} } }],
        function_call: 'auto',
      },
      new Warnings(),
    );
    assert.deepEqual(request.tools, [{ kind: 'function', name: 'now', parameters: { type: 'object', properties: {} } }]);
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    const call = request.messages[1]?.content[0];
    const result = request.messages[2];
    assert.equal(call?.type === 'tool-call' && call.callId, 'call_legacy_0');
    assert.deepEqual(result, { role: 'tool', content: [{ type: 'tool-result', callId: 'call_legacy_0', kind: 'function', name: 'now', output: '12:00' }] });
  });

  test('input_audio is kept for a Chat upstream only, with a warning', () => {
    const warnings = new Warnings();
    const part = { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } };
    const request = decodeRequest(
      { model: 'gpt-4o-audio-preview', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is said?' }, part] }] },
      warnings,
    );
    assert.deepEqual(request.messages[0]?.content[1], { type: 'opaque', dialect: 'openai-chat', value: { contentPart: part } });
    assert.deepEqual(warningCodes({ warnings }), ['content_unsupported']);
    const context = { request, target: { model: 'gpt-4o-audio-preview', family: 'openai' as const }, toolNames: new ToolNameMap(), warnings: new Warnings() };
    assert.deepEqual(encodeRequest(context).messages[0]?.content, [{ type: 'text', text: 'what is said?' }, part]);
  });

  test('DeepSeek-style clients replay reasoning_content', () => {
    const request = decodeRequest(
      {
        model: 'deepseek-reasoner',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y', reasoning_content: 'because' },
        ],
      },
      new Warnings(),
    );
    assert.deepEqual(request.messages[1]?.content, [
      { type: 'reasoning', family: 'openai-compatible', summary: ['because'] },
      { type: 'text', text: 'y' },
    ]);
  });

  test('malformed bodies are 400s that name the field', () => {
    const cases: Array<[unknown, string | undefined]> = [
      [[], undefined],
      [{ messages: [] }, 'model'],
      [{ model: 'm' }, 'messages'],
      [{ model: 'm', messages: [] }, 'messages'],
      [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
      [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 'messages[0].content[0].image_url.url'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'sometimes' }, 'tool_choice'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stop: [1] }, 'stop'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
    ];
    for (const [body, param] of cases) {
      assert.throws(
        () => decodeRequest(body, new Warnings()),
        (error: unknown) => error instanceof GatewayError && error.code === 'caller_invalid_request' && error.status === 400 && error.param === param,
        JSON.stringify(body),
      );
    }
  });

  test('n > 1 is refused naming the field', () => {
    assert.throws(
      () => decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], n: 3 }, new Warnings()),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'n' && /n > 1 is not supported/.test(error.message),
    );
  });
});
