import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import type { ContentBlock, Message, ModelRequest, ReasoningBlock, ToolDefinition } from '../../core/ir/index.ts';
import { encodeRequest } from './encode-request.ts';
import { emptyRequest, exchangeContext, warningCodes } from '../../../test/support/dialects/anthropic-messages.ts';
import { encodedRequestContext, validateAnthropicRequest } from '../../../test/fakes/anthropic-request-validator.ts';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const assistantText = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
const call = (callId: string, input = '{}', name = 'shell', extra: Partial<ContentBlock> = {}): Message => ({
  role: 'assistant',
  content: [{ type: 'tool-call', callId, name, kind: 'function', input, ...extra } as ContentBlock],
});
const result = (callId: string, output: string | ContentBlock[] = 'ok'): Message => ({
  role: 'tool',
  content: [{ type: 'tool-result', callId, kind: 'function', output }],
});
const thinking: ReasoningBlock = { type: 'reasoning', family: 'anthropic', summary: ['Let me think.\n'], signature: 'EqQBCkgIAxABGAIiQL+sig==' };
const shell: ToolDefinition = {
  kind: 'function',
  name: 'shell',
  description: 'Run a command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
};

function encode(request: Partial<ModelRequest>, target: Parameters<typeof exchangeContext>[1] = {}) {
  const context = exchangeContext(emptyRequest(request), target);
  const body = encodeRequest(context);
  return { body: body as Record<string, any>, context, codes: warningCodes(context) };
}

describe('turn structure', () => {
  test('assistant-side blocks merge into one turn; results lead the next user turn; thinking replays verbatim first', () => {
    const { body } = encode({
      tools: [shell],
      messages: [
        user('list files'),
        { role: 'assistant', content: [thinking] },
        assistantText('Checking.'),
        call('toolu_a', '{"cmd":"ls"}'),
        call('toolu_b', '{"cmd":"pwd"}'),
        result('toolu_a', 'a.txt'),
        result('toolu_b', '/home'),
        user('thanks'),
      ],
    });
    assert.equal(validateAnthropicRequest(body, encodedRequestContext)?.message, undefined);
    assert.deepEqual(body.messages[1].content, [
      { type: 'thinking', thinking: 'Let me think.\n', signature: 'EqQBCkgIAxABGAIiQL+sig==' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_a', name: 'shell', input: { cmd: 'ls' } },
      { type: 'tool_use', id: 'toolu_b', name: 'shell', input: { cmd: 'pwd' } },
    ]);
    assert.deepEqual(
      body.messages[2].content.map((block: any) => block.type),
      ['tool_result', 'tool_result', 'text'],
    );
    assert.equal(body.messages.length, 3);
  });

  test("other families' reasoning is dropped silently; redacted thinking replays as redacted_thinking", () => {
    const openai: ReasoningBlock = { type: 'reasoning', family: 'openai', summary: ['s'], encryptedContent: 'gAAAA' };
    const redacted: ReasoningBlock = { type: 'reasoning', family: 'anthropic', summary: [], redactedData: 'EtgBCkYI' };
    const { body, codes } = encode({
      messages: [user('hi'), { role: 'assistant', content: [openai, redacted, { type: 'text', text: 'Hello' }] }, user('more')],
    });
    assert.deepEqual(body.messages[1].content, [
      { type: 'redacted_thinking', data: 'EtgBCkYI' },
      { type: 'text', text: 'Hello' },
    ]);
    assert.deepEqual(codes, []);
  });

  test('empty and whitespace-only text disappears, and turns left empty merge away', () => {
    const { body } = encode({ messages: [user('a'), assistantText('  \n'), user(''), user('b')] });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
  });

  test('leading system/developer messages are hoisted in order; a later one stays in place as a marked user text and warns', () => {
    const { body, codes } = encode({
      system: [{ type: 'text', text: 'base' }],
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'dev 1' }] },
        user('q'),
        { role: 'developer', content: [{ type: 'text', text: 'dev 2' }] },
        user('r'),
      ],
    });
    assert.deepEqual(
      body.system.map((block: any) => block.text),
      ['base', 'dev 1'],
    );
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q' },
          { type: 'text', text: '<system-reminder>\ndev 2\n</system-reminder>' },
          { type: 'text', text: 'r', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
    assert.deepEqual(codes, ['system_message_moved']);
  });

  test('an unanswered call gets an error result and a stray result becomes text', () => {
    const { body, codes } = encode({ tools: [shell], messages: [user('go'), call('toolu_x'), user('stop'), result('call_unknown', 'late output')] });
    assert.equal(validateAnthropicRequest(body, encodedRequestContext)?.message, undefined);
    assert.deepEqual(body.messages[2].content[0], {
      type: 'tool_result',
      tool_use_id: 'toolu_x',
      content: 'No result was recorded for this tool call.',
      is_error: true,
    });
    assert.ok(body.messages[2].content.some((block: any) => block.type === 'text' && block.text.includes('late output')));
    assert.deepEqual(codes.sort(), ['tool_result_missing', 'tool_result_orphaned']);
  });

  test('ids other providers made are sanitised the same way on the call and its result', () => {
    const { body } = encode({ tools: [shell], messages: [user('go'), call('fc.1:abc'), result('fc.1:abc')] });
    assert.equal(body.messages[1].content[0].id, 'fc_1_abc');
    assert.equal(body.messages[2].content[0].tool_use_id, 'fc_1_abc');
  });

  test('arguments that are not a JSON object replay as {} with a warning; freeform input is wrapped', () => {
    const { body, codes } = encode({
      tools: [shell, { kind: 'custom', name: 'apply_patch' }],
      messages: [
        user('go'),
        call('c1', '{"cmd": "ls'),
        { role: 'assistant', content: [{ type: 'tool-call', callId: 'c2', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' }] },
        result('c1'),
        result('c2'),
      ],
    });
    assert.deepEqual(
      body.messages[1].content.map((block: any) => block.input),
      [{}, { input: '*** Begin Patch' }],
    );
    assert.ok(codes.includes('tool_arguments_replaced'));
  });

  test('a final assistant turn: kept as a trimmed prefill without thinking, followed by a user turn with thinking', () => {
    const plain = encode({ messages: [user('q'), assistantText('The answer is ')] });
    assert.deepEqual(plain.body.messages.at(-1), {
      role: 'assistant',
      content: [{ type: 'text', text: 'The answer is', cache_control: { type: 'ephemeral' } }],
    });
    const thinkingOn = encode({ messages: [user('q'), assistantText('The answer is ')], reasoning: { effort: 'low' } });
    assert.equal(thinkingOn.body.messages.at(-1).role, 'user');
    assert.ok(thinkingOn.codes.includes('prefill_removed'));
    assert.equal(validateAnthropicRequest(thinkingOn.body, encodedRequestContext)?.message, undefined);
  });

  test('a conversation starting with the assistant gets a placeholder user turn first', () => {
    const { body, codes } = encode({ messages: [assistantText('Hi!'), user('hello')] });
    assert.equal(body.messages[0].role, 'user');
    assert.ok(codes.includes('placeholder_turn_added'));
    assert.equal(validateAnthropicRequest(body, encodedRequestContext)?.message, undefined);
  });

  test('images: base64, data URLs and URLs map to sources; a provider file id is a 400', () => {
    const image = (source: any): Message => ({ role: 'user', content: [{ type: 'image', source }] });
    const { body } = encode({
      messages: [
        image({ kind: 'base64', mediaType: 'image/png', data: 'iVBOR' }),
        image({ kind: 'url', url: 'data:image/jpeg;base64,/9j/4A' }),
        image({ kind: 'url', url: 'https://x/y.png' }),
      ],
    });
    assert.deepEqual(
      body.messages[0].content.map((block: any) => block.source),
      [
        { type: 'base64', media_type: 'image/png', data: 'iVBOR' },
        { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A' },
        { type: 'url', url: 'https://x/y.png' },
      ],
    );
    assert.throws(
      () => encode({ messages: [image({ kind: 'file-id', fileId: 'file-123' })] }),
      (error: unknown) => error instanceof GatewayError && error.code === 'caller_invalid_request',
    );
  });

  test('a rich tool result keeps its text and images', () => {
    const { body } = encode({
      tools: [shell],
      messages: [
        user('look'),
        call('c1'),
        result('c1', [
          { type: 'text', text: 'screenshot:' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } },
          { type: 'text', text: ' ' },
        ]),
      ],
    });
    assert.deepEqual(body.messages[2].content[0].content, [
      { type: 'text', text: 'screenshot:' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
    ]);
  });

  test('foreign tool-loop history turns thinking off instead of drawing a 400', () => {
    const { body, codes } = encode({ tools: [shell], reasoning: { effort: 'high' }, messages: [user('go'), call('call_1'), result('call_1')] });
    assert.equal(body.thinking, undefined);
    assert.ok(codes.includes('thinking_disabled'));
    const own = encode({
      tools: [shell],
      reasoning: { effort: 'high' },
      messages: [user('go'), { role: 'assistant', content: [thinking] }, call('toolu_1'), result('toolu_1')],
    });
    assert.deepEqual(own.body.thinking, { type: 'enabled', budget_tokens: 24576 });
    assert.equal(validateAnthropicRequest(own.body, encodedRequestContext)?.message, undefined);
  });
});

describe('max_tokens and thinking', () => {
  test('max_tokens is always set: per-model default, target limit, caller value', () => {
    assert.equal(encode({ messages: [user('q')] }).body.max_tokens, 32000);
    assert.equal(encode({ messages: [user('q')] }, { model: 'some-compatible-model' }).body.max_tokens, 8192);
    assert.equal(encode({ messages: [user('q')] }, { model: 'claude-3-haiku-20240307' }).body.max_tokens, 4096);
    assert.equal(encode({ messages: [user('q')] }, { maxOutputTokens: 12000 }).body.max_tokens, 12000);
    const capped = encode({ messages: [user('q')], maxOutputTokens: 64000 }, { maxOutputTokens: 16000 });
    assert.equal(capped.body.max_tokens, 16000);
    assert.ok(capped.codes.includes('max_tokens_capped'));
  });

  test('effort maps to a budget below max_tokens, raising max_tokens when the caller set none', () => {
    const budgets = { minimal: 1024, low: 2048, medium: 8192, high: 24576 } as const;
    for (const [effort, budget] of Object.entries(budgets)) {
      const { body } = encode({ messages: [user('q')], reasoning: { effort: effort as keyof typeof budgets } });
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: budget }, effort);
      assert.ok(body.thinking.budget_tokens < body.max_tokens);
    }
    const raised = encode({ messages: [user('q')], reasoning: { effort: 'high' } }, { model: 'unknown-model' }).body;
    assert.deepEqual([raised.max_tokens, raised.thinking.budget_tokens], [24576 + 4096, 24576]);
    const opus = encode({ messages: [user('q')], reasoning: { effort: 'xhigh' } }, { model: 'claude-opus-4-1' });
    assert.deepEqual([opus.body.max_tokens, opus.body.thinking.budget_tokens], [32000, 27904]);
    assert.ok(opus.codes.includes('thinking_budget_reduced'));
  });

  test('a caller cap is respected: the budget shrinks, or thinking is dropped when no room is left', () => {
    const small = encode({ messages: [user('q')], reasoning: { effort: 'high' }, maxOutputTokens: 4000 }).body;
    assert.deepEqual([small.max_tokens, small.thinking.budget_tokens], [4000, 2000]);
    const tiny = encode({ messages: [user('q')], reasoning: { effort: 'low' }, maxOutputTokens: 1500 });
    assert.equal(tiny.body.thinking, undefined);
    assert.ok(tiny.codes.includes('thinking_disabled'));
  });

  test('target default effort applies; none, disabled and non-thinking models send no thinking', () => {
    assert.deepEqual(encode({ messages: [user('q')] }, { defaultReasoningEffort: 'low' }).body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(encode({ messages: [user('q')], reasoning: { effort: 'none' } }, { defaultReasoningEffort: 'low' }).body.thinking, undefined);
    assert.equal(encode({ messages: [user('q')], reasoning: { effort: 'high', disabled: true } }).body.thinking, undefined);
    const old = encode({ messages: [user('q')], reasoning: { effort: 'high' } }, { model: 'claude-3-5-haiku-latest' });
    assert.equal(old.body.thinking, undefined);
    assert.ok(old.codes.includes('reasoning_dropped'));
  });

  test('models from 4.6 on take adaptive thinking with an effort', () => {
    const { body } = encode({ messages: [user('q')], reasoning: { effort: 'xhigh' } }, { model: 'claude-opus-4-7' });
    assert.deepEqual(body.thinking, { type: 'adaptive' });
    assert.deepEqual(body.output_config, { effort: 'max' });
    assert.deepEqual(encode({ messages: [user('q')], reasoning: { effort: 'minimal' } }, { model: 'claude-sonnet-4-6' }).body.output_config, { effort: 'low' });
  });

  test('thinking drops temperature and top_k and relaxes a forced tool choice', () => {
    const { body, codes } = encode({
      tools: [shell],
      messages: [user('q')],
      reasoning: { effort: 'low' },
      temperature: 0.2,
      topK: 5,
      topP: 0.99,
      toolChoice: { type: 'required' },
    });
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_k, undefined);
    assert.equal(body.top_p, 0.99);
    assert.deepEqual(body.tool_choice, { type: 'auto' });
    assert.ok(codes.includes('field_dropped') && codes.includes('tool_choice_downgraded'));
  });

  test('without thinking sampling fields pass (temperature clamped to 1) with stop sequences and user id', () => {
    const { body } = encode({ messages: [user('q')], temperature: 1.5, topK: 5, topP: 0.5, stopSequences: ['END'], user: 'u-1' });
    assert.deepEqual([body.temperature, body.top_k, body.top_p, body.stop_sequences, body.metadata], [1, 5, 0.5, ['END'], { user_id: 'u-1' }]);
  });
});

describe('tools', () => {
  test('schemas are objects; a parameterless tool gets an empty object schema', () => {
    const { body } = encode({
      messages: [user('q')],
      tools: [
        { kind: 'function', name: 'ping' },
        { kind: 'function', name: 'raw', parameters: { properties: { a: { type: 'string' } } } },
      ],
    });
    assert.deepEqual(body.tools[0].input_schema, { type: 'object', properties: {} });
    assert.deepEqual(body.tools[1].input_schema, { type: 'object', properties: { a: { type: 'string' } } });
  });

  test('names that Anthropic rejects are rewritten and mapped back', () => {
    const context = exchangeContext(emptyRequest({ messages: [user('q')], tools: [{ kind: 'function', name: 'mcp.server.read', namespace: 'files' }] }));
    const body = encodeRequest(context) as Record<string, any>;
    assert.match(body.tools[0].name, /^[a-zA-Z0-9_-]{1,128}$/);
    assert.deepEqual(context.toolNames.identity(body.tools[0].name), { name: 'mcp.server.read', namespace: 'files', kind: 'function' });
  });

  test('tool_choice: named tool (flattened), none, allowed_tools, parallel flag', () => {
    const tools: ToolDefinition[] = [{ kind: 'function', name: 'wait', namespace: 'agents' }];
    assert.deepEqual(
      encode({ messages: [user('q')], tools, toolChoice: { type: 'tool', name: 'wait', namespace: 'agents', kind: 'function' } }).body.tool_choice,
      { type: 'tool', name: 'agents__wait' },
    );
    assert.deepEqual(encode({ messages: [user('q')], tools, toolChoice: { type: 'none' }, parallelToolCalls: false }).body.tool_choice, { type: 'none' });
    const allowed = encode({ messages: [user('q')], tools, toolChoice: { type: 'allowed', mode: 'required', names: ['wait'] }, parallelToolCalls: false });
    assert.deepEqual(allowed.body.tool_choice, { type: 'any', disable_parallel_tool_use: true });
    assert.ok(allowed.codes.includes('tool_choice_downgraded'));
  });

  test("Responses web_search with live access becomes Anthropic's server tool", () => {
    const value = {
      type: 'web_search',
      user_location: { type: 'approximate', country: 'FR' },
      filters: { allowed_domains: ['example.com'] },
      search_context_size: 'high',
    };
    const { body, codes } = encode({ messages: [user('q')], tools: [{ kind: 'hosted', dialect: 'openai-responses', type: 'web_search', value }] });
    assert.deepEqual(body.tools, [
      { type: 'web_search_20250305', name: 'web_search', user_location: { type: 'approximate', country: 'FR' }, allowed_domains: ['example.com'] },
    ]);
    assert.deepEqual(codes, ['field_dropped']);
    const optedOut = encode(
      { messages: [user('q')], tools: [{ kind: 'hosted', dialect: 'openai-responses', type: 'web_search', value: { type: 'web_search' } }] },
      { quirks: { web_search: false } },
    );
    assert.equal(optedOut.body.tools, undefined);
  });

  test('unknown hosted tools and foreign opaque items are dropped with warnings, never a 400', () => {
    const { body, codes } = encode({
      tools: [{ kind: 'hosted', dialect: 'openai-responses', type: 'image_generation', value: { type: 'image_generation' } }],
      messages: [
        user('q'),
        { role: 'assistant', content: [{ type: 'opaque', dialect: 'openai-responses', value: { type: 'web_search_call', id: 'ws_1' } }] },
        user('r'),
      ],
    });
    assert.equal(body.tools, undefined);
    assert.deepEqual(
      body.messages.map((message: any) => message.role),
      ['user'],
    );
    assert.deepEqual(codes.sort(), ['item_dropped', 'tool_dropped']);
  });

  test('Anthropic server tools and Anthropic opaque blocks replay verbatim', () => {
    const server = { type: 'web_search_20250305', name: 'web_search', max_uses: 3 };
    const serverUse = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } };
    const { body } = encode({
      tools: [{ kind: 'hosted', dialect: 'anthropic-messages', type: server.type, value: server }],
      messages: [user('q'), { role: 'assistant', content: [{ type: 'opaque', dialect: 'anthropic-messages', value: serverUse }] }, user('r')],
    });
    assert.deepEqual(body.tools, [server]);
    assert.deepEqual(body.messages[1].content, [serverUse]);
  });
});

describe('caching and purity', () => {
  test('breakpoints go on the last function tool, the last system block and the last message block', () => {
    const { body } = encode({
      system: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
      tools: [shell],
      messages: [user('q')],
    });
    assert.deepEqual([body.system[0].cache_control, body.system[1].cache_control], [undefined, { type: 'ephemeral' }]);
    assert.deepEqual(body.tools[0].cache_control, { type: 'ephemeral' });
    assert.deepEqual(body.messages[0].content[0].cache_control, { type: 'ephemeral' });
  });

  test('a model with prompt caching off (cache.prompt_caching: false) gets no breakpoints', () => {
    const { body } = encode({ system: [{ type: 'text', text: 'a' }], tools: [shell], messages: [user('q')] }, { promptCaching: false });
    assert.equal(JSON.stringify(body).includes('cache_control'), false);
  });

  test('a request with its own cache_control keeps exactly its breakpoints', () => {
    const { body } = encode({ system: [{ type: 'text', text: 'a', cacheControl: { type: 'ephemeral', ttl: '1h' } }], tools: [shell], messages: [user('q')] });
    assert.deepEqual(body.system[0].cache_control, { type: 'ephemeral', ttl: '1h' });
    assert.equal(body.tools[0].cache_control, undefined);
    assert.equal(body.messages[0].content[0].cache_control, undefined);
  });

  test('encoding never mutates the IR and is repeatable (safe on retry)', () => {
    const request = emptyRequest({
      system: [{ type: 'text', text: 'sys' }],
      tools: [
        shell,
        { kind: 'hosted', dialect: 'anthropic-messages', type: 'web_search_20250305', value: { type: 'web_search_20250305', name: 'web_search' } },
      ],
      messages: [
        user('go'),
        { role: 'assistant', content: [thinking, { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'text', text: 'x ' } }] },
      ],
    });
    const snapshot = structuredClone(request);
    const first = encodeRequest(exchangeContext(request));
    const second = encodeRequest(exchangeContext(request));
    assert.deepEqual(request, snapshot);
    assert.deepEqual(second, first);
  });
});

describe('the validator used above catches broken bodies', () => {
  // One fault per body, each on top of a body the validator accepts.
  const tool = { name: 'x', input_schema: { type: 'object' } };
  const valid = {
    model: 'm',
    max_tokens: 2000,
    system: [{ type: 'text', text: 'sys' }],
    tools: [tool],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  };
  const use = { type: 'tool_use', id: 't1', name: 'x', input: {} };
  const faults: Array<[string, Record<string, unknown>, RegExp]> = [
    ['budget over max_tokens', { thinking: { type: 'enabled', budget_tokens: 4000 } }, /max_tokens` must be greater than `thinking.budget_tokens/],
    ['temperature with thinking', { thinking: { type: 'enabled', budget_tokens: 1024 }, temperature: 0.5 }, /temperature` may only be set to 1/],
    ['bad tool name', { tools: [{ ...tool, name: 'bad.name' }] }, /name: String should match pattern/],
    ['non-object schema', { tools: [{ ...tool, input_schema: { type: 'array' } }] }, /input_schema.type: Input should be 'object'/],
    [
      'assistant first',
      { messages: [{ role: 'assistant', content: [{ type: 'text', text: 'a' }] }, ...valid.messages] },
      /first message must use the "user" role/,
    ],
    ['roles not alternating', { messages: [...valid.messages, ...valid.messages] }, /roles must alternate/],
    ['system as a string', { system: 'sys' }, /system should be an array/],
    ['empty text block', { messages: [{ role: 'user', content: [{ type: 'text', text: ' ' }] }] }, /non-whitespace text/],
    [
      'tool_use unanswered',
      { messages: [...valid.messages, { role: 'assistant', content: [use] }, ...valid.messages] },
      /without `tool_result` blocks immediately after/,
    ],
    [
      'prefill with thinking',
      { thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [...valid.messages, { role: 'assistant', content: [{ type: 'text', text: 'a' }] }] },
      /prefill/,
    ],
    [
      'tool blocks without tools',
      {
        tools: [],
        messages: [
          ...valid.messages,
          { role: 'assistant', content: [use] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        ],
      },
      /must define tools/,
    ],
    [
      'final assistant text ending in whitespace',
      { messages: [...valid.messages, { role: 'assistant', content: [{ type: 'text', text: 'a ' }] }] },
      /trailing whitespace/,
    ],
    [
      'five cache breakpoints',
      { system: Array.from({ length: 5 }, () => ({ type: 'text', text: 's', cache_control: { type: 'ephemeral' } })) },
      /maximum of 4 blocks with cache_control/,
    ],
    ['tool_choice without tools', { tools: undefined, tool_choice: { type: 'auto' } }, /tool_choice may only be specified while providing tools/],
    ['tool_choice naming an undeclared tool', { tool_choice: { type: 'tool', name: 'y' } }, /not among the provided tools/],
    [
      'thinking without a signature',
      {
        messages: [
          ...valid.messages,
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 't', signature: '' },
              { type: 'text', text: 'a' },
            ],
          },
          ...valid.messages,
        ],
      },
      /Invalid `signature`/,
    ],
  ];
  test('the valid body passes', () => assert.equal(validateAnthropicRequest(valid, encodedRequestContext), undefined));
  for (const [name, change, expected] of faults) {
    test(name, () => assert.match(validateAnthropicRequest({ ...valid, ...change }, encodedRequestContext)?.message ?? 'accepted', expected));
  }
});
