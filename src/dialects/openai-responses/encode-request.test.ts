import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRequest } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeReasoningEnvelope } from './reasoning-envelope.ts';
import { encodedRequestContext, validateResponsesRequest } from '../../../test/fakes/responses-request-validator.ts';
import { codexCaptures, exchangeContext, fixtureJson, minimalRequest } from '../../../test/support/dialects/openai-responses.ts';

const wireRequests = [
  'function-call.request.json',
  'reasoning-encrypted-then-function-call.request.json',
  'text-after-function-output.request.json',
  'error-400-no-tool-output.deepseek.request.json',
];

function roundTrip(body: Record<string, unknown>, model = 'upstream-model'): { encoded: Record<string, unknown>; warnings: Warnings } {
  const request = decodeRequest(body, new Warnings());
  const context = exchangeContext(request, { model });
  return { encoded: encodeRequest(context), warnings: context.warnings };
}

describe('encodeRequest: same-dialect round trip is exact', () => {
  for (const { name, body } of codexCaptures()) {
    test(`Codex capture ${name}`, () => {
      const { encoded, warnings } = roundTrip(body);
      assert.deepEqual(encoded, { ...body, model: 'upstream-model' });
      assert.deepEqual(warnings.list, []);
      assert.equal(validateResponsesRequest(encoded, encodedRequestContext)?.body.error.message, undefined);
    });
  }
  for (const name of wireRequests) {
    test(`wire fixture ${name}`, () => {
      const body = fixtureJson(name) as Record<string, unknown>;
      const { encoded } = roundTrip(body);
      assert.deepEqual(encoded, { ...body, model: 'upstream-model' });
      assert.equal(validateResponsesRequest(encoded, encodedRequestContext)?.body.error.message, undefined);
    });
  }

  test('short forms and odd values survive: string input, string content, nulls, empty tools, unknown efforts', () => {
    const bodies: Array<Record<string, unknown>> = [
      { model: 'm', input: 'just text', stream: true },
      {
        model: 'm',
        input: [
          { role: 'user', content: 'short' },
          { type: 'message', role: 'assistant', content: [] },
        ],
        tools: [],
        stream: false,
      },
      {
        model: 'm',
        input: [],
        instructions: null,
        temperature: null,
        reasoning: { effort: 'ultra', summary: null },
        text: { format: { type: 'text' } },
        stream: true,
      },
      { model: 'm', input: [], reasoning: null, tool_choice: { type: 'web_search' }, safety_identifier: 'sid', stream: true },
      { model: 'm', input: [{ type: 'reasoning', summary: [], encrypted_content: null, content: null }], stream: true },
      { model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{}', caller: { type: 'direct' } }], stream: true },
      {
        model: 'm',
        input: [
          { type: 'item_reference', id: 'msg_1' },
          { type: 'compaction', encrypted_content: 'x' },
        ],
        stream: true,
      },
      {
        model: 'm',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
              { type: 'input_file', file_url: 'https://x.test/a.pdf' },
            ],
          },
        ],
        stream: true,
      },
      { model: 'm', input: [], tools: [{ type: 'namespace', name: 'empty', description: '', tools: [] }], stream: true },
    ];
    for (const body of bodies) assert.deepEqual(roundTrip(body, 'm').encoded, body);
  });
});

describe('encodeRequest: namespaces, reasoning and targets', () => {
  test('namespace members are regrouped at the first member position, even when split apart', () => {
    const request = minimalRequest({
      tools: [
        { kind: 'function', name: 'a' },
        { kind: 'function', name: 'x', namespace: 'ns', namespaceDescription: 'Tools.' },
        { kind: 'custom', name: 'y', namespace: 'ns', namespaceDescription: 'Tools.' },
        { kind: 'function', name: 'b' },
        { kind: 'function', name: 'z', namespace: 'ns', namespaceDescription: 'Tools.' },
      ],
      extensions: { 'openai-responses': {} },
    });
    const tools = encodeRequest(exchangeContext(request)).tools as Array<Record<string, unknown>>;
    assert.deepEqual(
      tools.map((tool) => tool.name),
      ['a', 'ns', 'b'],
    );
    assert.deepEqual(tools[1], {
      type: 'namespace',
      name: 'ns',
      description: 'Tools.',
      tools: [
        { type: 'function', name: 'x' },
        { type: 'custom', name: 'y' },
        { type: 'function', name: 'z' },
      ],
    });
  });

  test('foreign reasoning and envelopes never reach OpenAI, with a warning', () => {
    const envelope = encodeReasoningEnvelope({ v: 1, family: 'anthropic', blocks: [{ thinking: 't', signature: 's' }] });
    const body = {
      model: 'm',
      input: [
        { role: 'user', content: 'q' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 't' }], encrypted_content: envelope },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAopenai' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      ],
    };
    const request = decodeRequest(body, new Warnings());
    const context = exchangeContext(request);
    const encoded = encodeRequest(context);
    assert.deepEqual(encoded.input, [
      { role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAopenai' },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
    ]);
    assert.deepEqual(
      context.warnings.list.map((warning) => warning.code),
      ['reasoning_dropped'],
    );
    assert.doesNotMatch(JSON.stringify(encoded), /sy1\./);
  });

  test('a non-reasoning target gets neither reasoning nor include', () => {
    const request = decodeRequest(codexCaptures()[0]?.body, new Warnings());
    const context = exchangeContext(request, { model: 'gpt-4o', supportsReasoning: false });
    const encoded = encodeRequest(context);
    assert.equal(encoded.reasoning, undefined);
    assert.equal(encoded.include, undefined);
    assert.equal('reasoning' in encoded, false);
    assert.equal(context.warnings.list.filter((warning) => warning.code === 'field_dropped').length, 2);
  });

  test('the target default effort applies only when the caller sent none', () => {
    const none = encodeRequest(exchangeContext(minimalRequest(), { defaultReasoningEffort: 'low' }));
    assert.deepEqual(none.reasoning, { effort: 'low' });
    const own = encodeRequest(exchangeContext(minimalRequest({ reasoning: { effort: 'high' } }), { defaultReasoningEffort: 'low' }));
    assert.deepEqual(own.reasoning, { effort: 'high' });
  });
});

describe('encodeRequest: IR from another dialect', () => {
  const anthropicLike: ModelRequest = minimalRequest({
    system: [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Use tools.' },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'List files' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', family: 'anthropic', summary: ['hmm'], signature: 'sig' },
          { type: 'text', text: 'Running ls.' },
          { type: 'tool-call', callId: 'toolu_1', name: 'mcp.files.list', kind: 'function', input: '{"path":"."}' },
          { type: 'tool-call', callId: 'toolu_2', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', callId: 'toolu_1', kind: 'function', output: 'a.txt', isError: true },
          { type: 'tool-result', callId: 'toolu_2', kind: 'custom', output: 'ok' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ],
    tools: [
      { kind: 'function', name: 'mcp.files.list', description: 'List', parameters: { type: 'object', properties: {} } },
      { kind: 'custom', name: 'apply_patch' },
      { kind: 'hosted', dialect: 'anthropic-messages', type: 'web_search_20250305', value: { type: 'web_search_20250305', name: 'web_search' } },
      { kind: 'hosted', dialect: 'anthropic-messages', type: 'bash_20250124', value: { type: 'bash_20250124' } },
    ],
    toolChoice: { type: 'tool', name: 'mcp.files.list', kind: 'function' },
    reasoning: { budgetTokens: 4000 },
    stopSequences: ['END'],
    maxOutputTokens: 1000,
  });

  test("another dialect's Message.extra never becomes item fields (a Chat client's `name`, the openai SDK's `parsed`)", () => {
    // The Chat decoder keeps unknown message fields in `extra` for a Chat upstream; OpenAI
    // rejects unknown item fields ("Unknown parameter: 'input[1].parsed'").
    const fromChat = minimalRequest({
      extensions: { 'openai-chat': {} },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }], extra: { name: 'alice' } },
        { role: 'assistant', content: [{ type: 'tool-call', callId: 'call_1', name: 'f', kind: 'function', input: '{}' }], extra: { parsed: null } },
        { role: 'tool', content: [{ type: 'tool-result', callId: 'call_1', kind: 'function', output: 'ok' }] },
      ],
    });
    assert.deepEqual(encodeRequest(exchangeContext(fromChat)).input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
    ]);
  });

  test('a max token limit under 16 from another dialect is raised to the 16 OpenAI requires, with a warning', () => {
    // OpenAI: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16";
    // Claude Code probes with max_tokens: 1, evaluation harnesses ask for 5.
    const context = exchangeContext(minimalRequest({ extensions: { 'anthropic-messages': {} }, maxOutputTokens: 5 }));
    assert.equal(encodeRequest(context).max_output_tokens, 16);
    assert.deepEqual(
      context.warnings.list.map((warning) => warning.code),
      ['max_tokens_raised'],
    );
    // A Responses client's own value is its own business (OpenAI's 400 says what to change).
    const own = exchangeContext(minimalRequest({ extensions: { 'openai-responses': {} }, maxOutputTokens: 5 }));
    assert.equal(encodeRequest(own).max_output_tokens, 5);
    assert.equal(encodeRequest(exchangeContext(minimalRequest({ maxOutputTokens: 16 }))).max_output_tokens, 16);
  });

  test('metadata from another dialect keeps only what OpenAI accepts', () => {
    const context = exchangeContext(minimalRequest({ metadata: { user_id: 'u-1', nested: { a: 1 } } }));
    assert.deepEqual(encodeRequest(context).metadata, { user_id: 'u-1' });
    assert.deepEqual(
      context.warnings.list.map((warning) => warning.code),
      ['field_dropped'],
    );
  });

  test('turns are split into sibling items, names sanitised consistently, losses warned', () => {
    const context = exchangeContext(anthropicLike);
    const encoded = encodeRequest(context);
    assert.equal(encoded.instructions, 'You are terse.\n\nUse tools.');
    const wireName = (encoded.tools as Array<Record<string, unknown>>)[0]?.name as string;
    assert.match(wireName, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.notEqual(wireName, 'mcp.files.list');
    assert.deepEqual(encoded.input, [
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'List files' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAA' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running ls.' }] },
      { type: 'function_call', call_id: 'toolu_1', name: wireName, arguments: '{"path":"."}' },
      { type: 'custom_tool_call', call_id: 'toolu_2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'Error: a.txt' },
      { type: 'custom_tool_call_output', call_id: 'toolu_2', output: 'ok' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks' }] },
    ]);
    assert.deepEqual(encoded.tools, [
      { type: 'function', name: wireName, description: 'List', parameters: { type: 'object', properties: {} }, strict: false },
      { type: 'custom', name: 'apply_patch' },
      { type: 'web_search' },
    ]);
    assert.deepEqual(encoded.tool_choice, { type: 'function', name: wireName });
    assert.equal(encoded.metadata, undefined);
    assert.deepEqual(encoded.reasoning, { effort: 'medium' });
    assert.equal(encoded.max_output_tokens, 1000);
    assert.equal(encoded.stream, true);
    assert.equal(encoded.store, false, "another dialect's conversation is never stored by OpenAI");
    const codes = context.warnings.list.map((warning) => warning.code).sort();
    assert.deepEqual(codes, ['field_dropped', 'reasoning_dropped', 'reasoning_mapped', 'tool_dropped', 'tool_translated']);
    // The wire name maps back to the IR name for the answer.
    assert.deepEqual(context.toolNames.identity(wireName), { name: 'mcp.files.list', kind: 'function' });
  });
});

describe('requests from other dialects', () => {
  test('are never stored by OpenAI, and ask for encrypted reasoning when they reason', async () => {
    const { encodeRequest } = await import('./encode-request.ts');
    const { ToolNameMap } = await import('../../core/tool-names.ts');
    const { Warnings } = await import('../../core/warnings.ts');
    const base = {
      model: 'x',
      system: [],
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }],
      tools: [],
      stream: true,
      extensions: { 'anthropic-messages': {} },
    };
    const context = (request: object) => ({
      request: { ...base, ...request },
      target: { model: 'gpt-5.5', family: 'openai' as const },
      toolNames: new ToolNameMap(),
      warnings: new Warnings(),
    });
    const plain = encodeRequest(context({}));
    assert.equal(plain['store'], false);
    assert.equal(plain['include'], undefined);
    const reasoning = encodeRequest(context({ reasoning: { effort: 'high' } }));
    assert.equal(reasoning['store'], false);
    assert.deepEqual(reasoning['include'], ['reasoning.encrypted_content']);
  });
});
