import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeContext, TargetProfile } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import type { Message, ModelRequest } from '../../core/ir/index.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { validateChatRequest } from '../../../test/fakes/chat-request-validator.ts';
import { openaiResponsesCodec } from '../openai-responses/index.ts';
import { encodeRequest } from './encode-request.ts';
import { codexCaptures, exchangeContext, minimalRequest, warningCodes } from '../../../test/support/dialects/openai-chat.ts';

const namePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/** The real inbound path: the Responses codec decodes what Codex sent. */
function codexContext(body: Record<string, unknown>, target: Partial<TargetProfile> = {}): ExchangeContext {
  const request = openaiResponsesCodec.decodeRequest(body, new Warnings());
  return {
    request,
    target: { model: 'qwen3-coder', family: 'openai-compatible', ...target },
    toolNames: ToolNameMap.fromTools(request.tools),
    warnings: new Warnings(),
  };
}

function toolNames(body: Record<string, any>): string[] {
  return (body.tools ?? []).map((tool: { function: { name: string } }) => tool.function.name);
}

function encode(request: ModelRequest, target: Partial<TargetProfile> = {}) {
  const context = exchangeContext(request, target);
  return { body: encodeRequest(context) as Record<string, any>, context };
}

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

describe('Codex captures encoded for a Chat server pass the strict vLLM/Ollama/OpenAI emulator', () => {
  const captures = codexCaptures();
  test('there are captures to check', () => assert.ok(captures.length >= 9));
  for (const { name, body } of captures) {
    test(name, () => {
      for (const [flavor, family] of [
        ['vllm', 'openai-compatible'],
        ['ollama', 'openai-compatible'],
        ['openai', 'openai'],
      ] as const) {
        const context = codexContext(body, { family });
        const encoded = encodeRequest(context);
        assert.equal(validateChatRequest(encoded, { flavor, textOnly: true })?.body.error.message, undefined, `${name} on ${flavor}`);
        for (const toolName of toolNames(encoded)) assert.match(toolName, namePattern);
        assert.deepEqual(encoded.stream_options, { include_usage: true });
        for (const key of ['input', 'instructions', 'store', 'include', 'client_metadata', 'text', 'reasoning']) assert.ok(!(key in encoded), key);
      }
    });
  }
});

describe('What Codex sends becomes the right Chat request', () => {
  test('Responses-Lite (gpt-6-sol): one leading system message; the additional_tools namespaces become functions', () => {
    const capture = codexCaptures().find((entry) => entry.name === 'gpt-6-sol/001-POST_v1_responses.json');
    assert.ok(capture);
    const context = codexContext(capture.body);
    const body = encodeRequest(context) as Record<string, any>;
    const roles = body.messages.map((message: { role: string }) => message.role);
    assert.deepEqual(roles, ['system', 'user', 'user']);
    assert.match(body.messages[0].content, /^You are Codex, an agent based on GPT-6/);
    assert.match(body.messages[0].content, /<multi_agent_mode>/);
    assert.equal(body.messages[2].content, 'say hi');
    assert.deepEqual(toolNames(body), [
      'functions__exec',
      'functions__wait',
      'functions__request_user_input',
      'functions__request_user_input_async',
      'clock__sleep',
      'collaboration__followup_task',
      'collaboration__interrupt_agent',
      'collaboration__list_agents',
      'collaboration__send_message',
      'collaboration__spawn_agent',
      'collaboration__wait_agent',
    ]);
    const exec = body.tools[0].function;
    assert.deepEqual(exec.parameters.required, ['input']);
    assert.match(exec.description, /lark grammar/);
    assert.match(body.tools[4].function.description, /^Tools for reading and waiting on time\.\n\n/);
    assert.deepEqual(context.toolNames.identity('clock__sleep'), { name: 'sleep', namespace: 'clock', kind: 'function' });
    assert.deepEqual(context.toolNames.identity('functions__exec'), { name: 'exec', namespace: 'functions', kind: 'custom' });
    assert.equal(body.tool_choice, 'auto');
    assert.equal(body.parallel_tool_calls, false);
    assert.ok(!('reasoning_effort' in body));
    assert.ok(!warningCodes(context).includes('item_dropped'), 'the additional_tools item is used, not dropped');
    assert.ok(warningCodes(context).includes('custom_tool_wrapped'));
    assert.ok(warningCodes(context).includes('field_dropped'), 'the reasoning effort loss is reported');
  });

  test('apply_patch history: the freeform call replays as {"input": patch}; hosted tools dropped with warnings', () => {
    const capture = codexCaptures().find((entry) => entry.name === 'patch-gpt55/002-POST_v1_responses.json');
    assert.ok(capture);
    const context = codexContext(capture.body);
    const body = encodeRequest(context) as Record<string, any>;
    const assistant = body.messages.find((message: { role: string }) => message.role === 'assistant');
    const call = assistant.tool_calls[0];
    const input = (capture.body.input as Array<Record<string, any>>).find((item) => item.type === 'custom_tool_call');
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'apply_patch');
    assert.deepEqual(JSON.parse(call.function.arguments), { input: input?.input });
    assert.equal(assistant.content, null);
    const result = body.messages[body.messages.indexOf(assistant) + 1];
    assert.equal(result.role, 'tool');
    assert.equal(result.tool_call_id, call.id);
    const patchTool = body.tools.find((tool: any) => tool.function.name === 'apply_patch');
    assert.deepEqual(patchTool.function.parameters.required, ['input']);
    assert.ok(!toolNames(body).includes('web_search'));
    assert.deepEqual(
      context.warnings.list.filter((warning) => warning.code === 'tool_dropped').map((warning) => warning.message),
      [
        'Hosted tool tool_search (openai-responses) has no Chat Completions equivalent; dropped.',
        'Hosted tool web_search (openai-responses) has no Chat Completions equivalent; dropped.',
      ],
    );
  });

  test('tool search history: the search call is dropped, the tools it found are declared', () => {
    const capture = codexCaptures().find((entry) => entry.name === 'toolsearch/002-POST_v1_responses.json');
    assert.ok(capture);
    const context = codexContext(capture.body);
    const body = encodeRequest(context) as Record<string, any>;
    const found = (capture.body.input as Array<Record<string, any>>).find((item) => item.type === 'tool_search_output');
    assert.ok(Array.isArray(found?.tools) && found.tools.length > 0);
    assert.ok(context.warnings.list.some((warning) => warning.code === 'item_dropped' && warning.message.includes('tool_search_call')));
    assert.ok(toolNames(body).length > 8, 'the found tools are added to the declared ones');
  });

  test('namespaced function tools are flattened ns__name and keep the namespace description', () => {
    const capture = codexCaptures().find((entry) => entry.name === 'ns_present/002-POST_v1_responses.json');
    assert.ok(capture);
    const body = encodeRequest(codexContext(capture.body)) as Record<string, any>;
    assert.ok(toolNames(body).some((name) => name.startsWith('multi_agent_v1__')));
  });
});

describe('encodeRequest: messages', () => {
  test('developer → system, leading system content concatenated into ONE first message', () => {
    const request = minimalRequest({
      system: [{ type: 'text', text: 'Base prompt.' }],
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Project rules.' }] },
        user('hi'),
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
        { role: 'developer', content: [{ type: 'text', text: 'Now read-only.' }] },
        user('go'),
      ],
    });
    const { body, context } = encode(request);
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Base prompt.\n\nProject rules.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'system', content: 'Now read-only.' },
      { role: 'user', content: 'go' },
    ]);
    assert.deepEqual(warningCodes(context), ['developer_role_mapped']);

    const firstOnly = encode(request, { quirks: { system_message_first_only: true } });
    assert.deepEqual(firstOnly.body.messages[3], { role: 'user', content: '<developer>\nNow read-only.\n</developer>' });
    assert.equal(validateChatRequest(firstOnly.body, { flavor: 'vllm', textOnly: true }), undefined);

    const openai = encode(request, { family: 'openai', quirks: { developer_role: true } });
    assert.deepEqual(
      openai.body.messages.map((message: { role: string }) => message.role),
      ['system', 'developer', 'user', 'assistant', 'developer', 'user'],
    );
    assert.deepEqual(warningCodes(openai.context), []);
  });

  test('Responses-style history: reasoning dropped silently, assistant items folded, one tool message per call', () => {
    const request = minimalRequest({
      messages: [
        user('list files'),
        { role: 'assistant', content: [{ type: 'reasoning', family: 'openai', summary: ['plan'], encryptedContent: 'gAAAA' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }] },
        { role: 'assistant', content: [{ type: 'tool-call', callId: 'call_1', name: 'shell', kind: 'function', input: '{"cmd":"ls"}' }] },
        { role: 'assistant', content: [{ type: 'tool-call', callId: 'call_2', name: 'shell', kind: 'function', input: '' }] },
        { role: 'tool', content: [{ type: 'tool-result', callId: 'call_2', kind: 'function', output: 'b' }] },
        { role: 'tool', content: [{ type: 'tool-result', callId: 'call_1', kind: 'function', output: 'a', isError: true }] },
        { role: 'assistant', content: [{ type: 'reasoning', family: 'anthropic', summary: ['x'], signature: 'sig' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      ],
    });
    const before = structuredClone(request);
    const { body, context } = encode(request);
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'list files' },
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'shell', arguments: '{"cmd":"ls"}' } },
          { id: 'call_2', type: 'function', function: { name: 'shell', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Error: a' },
      { role: 'tool', tool_call_id: 'call_2', content: 'b' },
      { role: 'assistant', content: 'Done.' },
    ]);
    assert.deepEqual(warningCodes(context), []);
    assert.deepEqual(request, before, 'the IR is not mutated');
  });

  test('Anthropic-style history: results inside a user message come first, then its text', () => {
    const { body } = encode(
      minimalRequest({
        messages: [
          user('read a'),
          { role: 'assistant', content: [{ type: 'tool-call', callId: 'toolu_1', name: 'read', kind: 'function', input: '{"path":"a"}' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'and hurry' },
              { type: 'tool-result', callId: 'toolu_1', kind: 'function', output: [{ type: 'text', text: 'A' }] },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(body.messages.slice(2), [
      { role: 'tool', tool_call_id: 'toolu_1', content: 'A' },
      { role: 'user', content: 'and hurry' },
    ]);
    assert.equal(validateChatRequest(body, { flavor: 'vllm', textOnly: true }), undefined);
  });

  test('a missing result gets a placeholder, a stray result becomes user text', () => {
    const { body, context } = encode(
      minimalRequest({
        messages: [
          user('x'),
          { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'a', kind: 'function', input: '{}' }] },
          user('never mind'),
          { role: 'tool', content: [{ type: 'tool-result', callId: 'ghost', kind: 'function', output: 'boo' }] },
        ],
      }),
    );
    assert.deepEqual(body.messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'No result was recorded for this tool call.' },
      { role: 'user', content: 'never mind' },
      { role: 'user', content: 'Result of tool call ghost:\nboo' },
    ]);
    assert.deepEqual(warningCodes(context), ['tool_result_missing', 'tool_result_orphaned']);
    assert.equal(validateChatRequest(body, { flavor: 'openai', textOnly: true }), undefined);
  });

  test('images: data and http URLs become image_url parts; a rich tool result moves its image after the tool messages', () => {
    const request = minimalRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' }, detail: 'low' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'view_image', kind: 'function', input: '{"path":"b.png"}' }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              callId: 'c1',
              kind: 'function',
              output: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }],
            },
          ],
        },
      ],
    });
    const { body, context } = encode(request);
    assert.deepEqual(body.messages[0].content, [
      { type: 'text', text: 'compare' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0' } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.jpg', detail: 'low' } },
    ]);
    assert.deepEqual(body.messages.slice(2), [
      { role: 'tool', tool_call_id: 'c1', content: 'The tool returned images; they follow in the next user message.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    ]);
    assert.deepEqual(warningCodes(context), ['tool_result_images_moved']);
    assert.equal(validateChatRequest(body, { flavor: 'vllm', textOnly: false }), undefined);
  });

  test('a text-only target answers a clear 400 naming the model, never a provider error', () => {
    const request = minimalRequest({ messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } }] }] });
    assert.throws(
      () => encode(request, { model: 'llama3.1:8b', quirks: { images: false } }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.code === 'caller_unsupported' &&
        error.status === 400 &&
        /llama3\.1:8b does not accept images/.test(error.message),
    );
  });

  test('opaque blocks of other dialects are dropped with a warning', () => {
    const { body, context } = encode(
      minimalRequest({
        messages: [
          user('hi'),
          { role: 'assistant', content: [{ type: 'opaque', dialect: 'openai-responses', value: { type: 'web_search_call', id: 'ws_1' } }] },
        ],
      }),
    );
    assert.equal(body.messages.length, 1);
    assert.deepEqual(context.warnings.list, [{ code: 'item_dropped', message: 'The web_search_call item has no Chat Completions equivalent; dropped.' }]);
  });

  test("this family's reasoning goes back as reasoning_content only where the quirk asks", () => {
    const messages: Message[] = [
      user('q'),
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', family: 'openai-compatible', summary: ['thinking'] },
          { type: 'tool-call', callId: 'c1', name: 'a', kind: 'function', input: '{}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'c1', kind: 'function', output: 'ok' }] },
    ];
    assert.ok(!('reasoning_content' in encode(minimalRequest({ messages })).body.messages[1]));
    assert.equal(encode(minimalRequest({ messages }), { quirks: { reasoning_content_replay: true } }).body.messages[1].reasoning_content, 'thinking');
  });

  test('Mistral-style ids: nine alphanumerics, the same for a call and its result', () => {
    const { body } = encode(
      minimalRequest({
        messages: [
          user('x'),
          { role: 'assistant', content: [{ type: 'tool-call', callId: 'call_abc-123', name: 'a', kind: 'function', input: '{}' }] },
          { role: 'tool', content: [{ type: 'tool-result', callId: 'call_abc-123', kind: 'function', output: 'ok' }] },
        ],
      }),
      { quirks: { tool_call_id_length: 9 } },
    );
    const id = body.messages[1].tool_calls[0].id;
    assert.match(id, /^[a-zA-Z0-9]{9}$/);
    assert.equal(body.messages[2].tool_call_id, id);
  });
});

describe('encodeRequest: tools and settings', () => {
  const strictSchema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false };

  test('function tools nested; strict kept only for schemas that satisfy the strict rules', () => {
    const { body, context } = encode(
      minimalRequest({
        tools: [
          { kind: 'function', name: 'read', description: 'Read a file', parameters: strictSchema, strict: true },
          { kind: 'function', name: 'grep', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: true },
          { kind: 'function', name: 'mcp.server/tool' },
          { kind: 'hosted', dialect: 'anthropic-messages', type: 'web_search_20250305', value: {} },
        ],
        toolChoice: { type: 'tool', name: 'read', kind: 'function' },
        parallelToolCalls: true,
      }),
    );
    assert.deepEqual(body.tools[0], { type: 'function', function: { name: 'read', parameters: strictSchema, description: 'Read a file', strict: true } });
    assert.equal(body.tools[1].function.strict, undefined);
    assert.match(body.tools[2].function.name, namePattern);
    assert.deepEqual(body.tools[2].function.parameters, { type: 'object', properties: {} });
    assert.equal(body.tools.length, 3);
    assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'read' } });
    assert.equal(body.parallel_tool_calls, true);
    assert.deepEqual(warningCodes(context), ['tool_strict_dropped', 'tool_dropped']);
  });

  test('tool_choice and parallel_tool_calls only go with tools; allowed_tools downgraded for compatible servers', () => {
    const none = encode(minimalRequest({ toolChoice: { type: 'required' }, parallelToolCalls: false })).body;
    assert.ok(!('tool_choice' in none) && !('parallel_tool_calls' in none) && !('tools' in none));
    const allowed = minimalRequest({
      tools: [
        { kind: 'function', name: 'a' },
        { kind: 'function', name: 'b' },
      ],
      toolChoice: { type: 'allowed', mode: 'required', names: ['a'] },
    });
    const compat = encode(allowed);
    assert.equal(compat.body.tool_choice, 'required');
    assert.deepEqual(warningCodes(compat.context), ['tool_choice_downgraded']);
    assert.deepEqual(encode(allowed, { family: 'openai' }).body.tool_choice, {
      type: 'allowed_tools',
      allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'a' } }] },
    });
  });

  test('native freeform tools where the custom_tools quirk allows them', () => {
    const request = minimalRequest({
      tools: [{ kind: 'custom', name: 'apply_patch', description: 'Patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }],
      toolChoice: { type: 'tool', name: 'apply_patch', kind: 'custom' },
    });
    const { body } = encode(request, { family: 'openai', quirks: { custom_tools: true } });
    assert.deepEqual(body.tools, [
      {
        type: 'custom',
        custom: { name: 'apply_patch', description: 'Patch', format: { type: 'grammar', grammar: { definition: 'start: x', syntax: 'lark' } } },
      },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'custom', custom: { name: 'apply_patch' } });
  });

  test('max_tokens for compatible servers, max_completion_tokens for OpenAI; sampling, stop, format, user', () => {
    const request = minimalRequest({
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['a', 'b', 'c', 'd', 'e'],
      responseFormat: { type: 'json_schema', name: 'answer', schema: strictSchema, strict: true },
      user: 'u1',
      promptCacheKey: 'k',
      metadata: { team: 'x' },
    });
    const compat = encode(request);
    assert.equal(compat.body.max_tokens, 512);
    assert.ok(!('max_completion_tokens' in compat.body));
    assert.deepEqual(compat.body.stop, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(compat.body.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: strictSchema, strict: true } });
    assert.equal(compat.body.user, 'u1');
    assert.ok(!('prompt_cache_key' in compat.body) && !('metadata' in compat.body));
    assert.deepEqual(warningCodes(compat.context), ['field_dropped']);
    const openai = encode(request, { family: 'openai' });
    assert.equal(openai.body.max_completion_tokens, 512);
    assert.ok(!('max_tokens' in openai.body));
    assert.deepEqual(openai.body.stop, ['a', 'b', 'c', 'd']);
    assert.equal(openai.body.prompt_cache_key, 'k');
    assert.equal(validateChatRequest({ ...openai.body, messages: [{ role: 'user', content: 'x' }] }, { flavor: 'openai', textOnly: true }), undefined);
  });

  test('reasoning_effort only with the reasoning_effort quirk; a budget maps to a level', () => {
    const request = minimalRequest({ reasoning: { effort: 'high' } });
    assert.ok(!('reasoning_effort' in encode(request).body));
    assert.equal(encode(request, { quirks: { reasoning_effort: true } }).body.reasoning_effort, 'high');
    assert.equal(encode(minimalRequest({ reasoning: { budgetTokens: 4000 } }), { quirks: { reasoning_effort: true } }).body.reasoning_effort, 'medium');
    assert.equal(encode(minimalRequest(), { quirks: { reasoning_effort: true }, defaultReasoningEffort: 'low' }).body.reasoning_effort, 'low');
    assert.ok(!('reasoning_effort' in encode(request, { quirks: { reasoning_effort: true }, supportsReasoning: false }).body));
  });

  test("stream_options only when streaming; a Chat client's own fields come back", () => {
    const streaming = encode(minimalRequest({ messages: [user('x')] })).body;
    assert.equal(streaming.stream, true);
    assert.deepEqual(streaming.stream_options, { include_usage: true });
    const unary = encode(
      minimalRequest({ stream: false, messages: [user('x')], extensions: { 'openai-chat': { seed: 7, stream_options: { include_usage: false } } } }),
    ).body;
    assert.equal(unary.stream, false);
    assert.ok(!('stream_options' in unary));
    assert.equal(unary.seed, 7);
  });
});
