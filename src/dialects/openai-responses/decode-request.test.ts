import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import type { Message, ToolCallBlock } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { codexCaptures } from '../../../test/support/dialects/openai-responses.ts';

const decode = (body: unknown) => decodeRequest(body, new Warnings());

function capture(name: string): Record<string, unknown> {
  const found = codexCaptures().find((entry) => entry.name === name);
  assert.ok(found, name);
  return found.body;
}

function rejects(body: unknown, param: string | undefined): void {
  assert.throws(
    () => decode(body),
    (error: unknown) => error instanceof GatewayError && error.code === 'caller_invalid_request' && error.status === 400 && error.param === param,
  );
}

describe('decodeRequest: Codex captures', () => {
  test('gpt-5.5: function, custom apply_patch, tool_search and web_search tools', () => {
    const request = decode(capture('gpt-5.5/001-POST_v1_responses.json'));
    assert.equal(request.model, 'gpt-5.5');
    assert.equal(request.stream, true);
    assert.deepEqual(request.system, []);
    const patch = request.tools.find((tool) => tool.kind !== 'hosted' && tool.name === 'apply_patch');
    assert.equal(patch?.kind, 'custom');
    assert.equal(patch?.kind === 'custom' ? patch.format?.type : undefined, 'grammar');
    const hosted = request.tools.filter((tool) => tool.kind === 'hosted').map((tool) => (tool.kind === 'hosted' ? [tool.type, tool.dialect] : []));
    assert.deepEqual(hosted, [
      ['tool_search', 'openai-responses'],
      ['web_search', 'openai-responses'],
    ]);
    const exec = request.tools[0];
    assert.equal(exec?.kind, 'function');
    assert.equal(exec?.kind === 'function' ? exec.strict : undefined, false);
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    assert.equal(request.parallelToolCalls, true);
    assert.deepEqual(request.reasoning, { effort: 'medium' });
    const extension = request.extensions['openai-responses'];
    assert.equal(extension?.store, false);
    assert.deepEqual(extension?.include, ['reasoning.encrypted_content']);
    assert.deepEqual(extension?.text, { verbosity: 'low' });
    assert.ok(extension?.client_metadata);
    assert.equal(request.promptCacheKey, '01a1fe3e-f26f-73a1-9f42-68e57ad0dc99');
    const roles = request.messages.map((message) => message.role);
    assert.deepEqual(roles, ['developer', 'developer', 'user', 'user']);
    assert.equal(request.messages[0]?.id, 'msg_bddce767-e279-5f43-a74d-72381c756f90');
    assert.equal(request.messages[3]?.content[0]?.type, 'text');
  });

  test('namespace tools are flattened in place with their namespace and its description', () => {
    const request = decode(capture('ns_present/002-POST_v1_responses.json'));
    const names = request.tools.map((tool) => (tool.kind === 'hosted' ? `hosted:${tool.type}` : `${tool.namespace ?? ''}/${tool.name}`));
    assert.deepEqual(names.slice(3, 10), [
      '/view_image',
      'multi_agent_v1/close_agent',
      'multi_agent_v1/resume_agent',
      'multi_agent_v1/send_input',
      'multi_agent_v1/spawn_agent',
      'multi_agent_v1/wait_agent',
      '/get_goal',
    ]);
    const member = request.tools[4];
    assert.equal(member?.kind === 'function' ? member.namespaceDescription : undefined, 'Tools for spawning and managing sub-agents.');
    const call = request.messages[4];
    assert.equal(call?.role, 'assistant');
    assert.deepEqual(call?.content[0], {
      type: 'tool-call',
      callId: 'call_ns',
      itemId: 'fc_ns',
      name: 'wait_agent',
      namespace: 'multi_agent_v1',
      kind: 'function',
      input: '{"targets":[],"timeout_ms":10}',
      status: 'completed',
    });
    const output = request.messages[5];
    assert.equal(output?.role, 'tool');
    assert.deepEqual(output?.content[0], {
      type: 'tool-result',
      callId: 'call_ns',
      kind: 'function',
      // Not on the wire: taken from the matching call, for dialects that need it (Gemini).
      name: 'wait_agent',
      output: 'agent ids must be non-empty',
      itemId: 'fco_01a1fe51-0de1-7d40-80a7-c65258d9b00b',
    });
  });

  test('custom tool call and its output keep kind custom', () => {
    const request = decode(capture('patch-gpt55/002-POST_v1_responses.json'));
    const call = request.messages[4]?.content[0] as ToolCallBlock;
    assert.equal(call.kind, 'custom');
    assert.equal(call.itemId, 'ctc_1');
    assert.match(call.input, /^\*\*\* Begin Patch/);
    const result = request.messages[5]?.content[0];
    assert.equal(result?.type === 'tool-result' ? result.kind : undefined, 'custom');
  });

  test('tool_search_call / tool_search_output and additional_tools travel as opaque items', () => {
    const search = decode(capture('toolsearch/002-POST_v1_responses.json'));
    const [call, output] = [search.messages[4], search.messages[5]] as [Message, Message];
    assert.equal(call.role, 'assistant');
    assert.equal(output.role, 'user');
    assert.deepEqual(call.content[0], {
      type: 'opaque',
      dialect: 'openai-responses',
      value: (capture('toolsearch/002-POST_v1_responses.json').input as unknown[])[4],
    });
    assert.equal(output.content[0]?.type, 'opaque');

    const lite = decode(capture('gpt-6-sol/001-POST_v1_responses.json'));
    assert.deepEqual(lite.tools, []);
    const first = lite.messages[0];
    assert.equal(first?.role, 'user');
    const value = first?.content[0]?.type === 'opaque' ? (first.content[0].value as { type: string }) : undefined;
    assert.equal(value?.type, 'additional_tools');
    // `reasoning.context` has no IR meaning: it stays in the extension, the effort goes to the IR.
    assert.deepEqual(lite.reasoning, { effort: 'medium' });
    assert.deepEqual(lite.extensions['openai-responses']?.reasoning, { context: 'all_turns' });
  });
});

describe('decodeRequest: mapping', () => {
  test('instructions, string input, parameters and text.format', () => {
    const request = decode({
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: 'Hello',
      max_output_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      metadata: { team: 'a' },
      user: 'u1',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true }, verbosity: 'high' },
      tool_choice: { type: 'function', name: 'lookup' },
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
      service_tier: 'flex',
      previous_response_id: null,
    });
    assert.deepEqual(request.system, [{ type: 'text', text: 'Be brief.' }]);
    assert.deepEqual(request.messages[0]?.content, [{ type: 'text', text: 'Hello' }]);
    assert.equal(request.maxOutputTokens, 300);
    assert.equal(request.temperature, 0.5);
    assert.equal(request.topP, 0.9);
    assert.deepEqual(request.metadata, { team: 'a' });
    assert.equal(request.user, 'u1');
    assert.equal(request.stream, false);
    assert.deepEqual(request.responseFormat, { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true });
    assert.deepEqual(request.toolChoice, { type: 'tool', name: 'lookup', kind: 'function' });
    assert.deepEqual(request.extensions['openai-responses'], { text: { verbosity: 'high' }, service_tier: 'flex', previous_response_id: null });
  });

  test('message parts: images as data URLs, files, refusals and unknown parts', () => {
    const request = decode({
      model: 'm',
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' },
            { type: 'input_image', image_url: 'https://example.test/a.png' },
            { type: 'input_file', file_id: 'file-1', filename: 'a.pdf' },
            { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }], phase: 'final_answer' },
      ],
    });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' }, detail: 'high' },
      { type: 'image', source: { kind: 'url', url: 'https://example.test/a.png' } },
      { type: 'file', source: { kind: 'file-id', fileId: 'file-1' }, filename: 'a.pdf' },
      { type: 'opaque', dialect: 'openai-responses', value: { contentPart: { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } } } },
    ]);
    assert.deepEqual(request.messages[1]?.content, [{ type: 'refusal', text: 'No.' }]);
    assert.equal(request.messages[1]?.extra?.phase, 'final_answer');
  });

  test('openai reasoning items become openai reasoning blocks', () => {
    const request = decode({
      model: 'm',
      input: [
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'Plan' }],
          content: [{ type: 'reasoning_text', text: 'raw' }],
          encrypted_content: 'gAAAAB',
        },
      ],
    });
    assert.deepEqual(request.messages[0], {
      role: 'assistant',
      content: [{ type: 'reasoning', family: 'openai', itemId: 'rs_1', summary: ['Plan'], text: ['raw'], encryptedContent: 'gAAAAB' }],
    });
  });

  test('tool outputs may be content arrays', () => {
    const request = decode({
      model: 'm',
      input: [
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_text', text: 'see' },
            { type: 'input_image', file_id: 'f1' },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages[0]?.content[0], {
      type: 'tool-result',
      callId: 'c1',
      kind: 'function',
      output: [
        { type: 'text', text: 'see' },
        { type: 'image', source: { kind: 'file-id', fileId: 'f1' } },
      ],
    });
  });

  test('allowed_tools maps to the IR only when the IR can give it back exactly', () => {
    const tools = [
      { type: 'function', name: 'a' },
      { type: 'custom', name: 'b' },
    ];
    const mapped = decode({
      model: 'm',
      input: [],
      tools,
      tool_choice: {
        type: 'allowed_tools',
        mode: 'required',
        tools: [
          { type: 'function', name: 'a' },
          { type: 'custom', name: 'b' },
        ],
      },
    });
    assert.deepEqual(mapped.toolChoice, { type: 'allowed', mode: 'required', names: ['a', 'b'] });
    const hosted = { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'web_search' }] };
    const kept = decode({ model: 'm', input: [], tools, tool_choice: hosted });
    assert.equal(kept.toolChoice, undefined);
    assert.deepEqual(kept.extensions['openai-responses']?.tool_choice, hosted);
  });
});

describe('decodeRequest: validation names the field', () => {
  test('body, model and input', () => {
    rejects([], undefined);
    rejects(null, undefined);
    rejects({ input: 'x' }, 'model');
    rejects({ model: '', input: 'x' }, 'model');
    rejects({ model: 'm' }, 'input');
    rejects({ model: 'm', input: 42 }, 'input');
  });

  test('item shapes', () => {
    rejects({ model: 'm', input: ['hi'] }, 'input[0]');
    rejects({ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role');
    rejects({ model: 'm', input: [{ role: 'user', content: 5 }] }, 'input[0].content');
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text');
    rejects(
      {
        model: 'm',
        input: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
          { role: 'user', content: 'c' },
          { type: 'function_call', name: 'f', arguments: '{}' },
        ],
      },
      'input[3].call_id',
    );
    rejects({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }, 'input[0].arguments');
    rejects({ model: 'm', input: [{ type: 'custom_tool_call', call_id: 'c', name: 'f' }] }, 'input[0].input');
    rejects({ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 3 }] }, 'input[0].output');
    rejects({ model: 'm', input: [{ type: 'reasoning', summary: 'x' }] }, 'input[0].summary');
    rejects({ model: 'm', input: [{ type: 'reasoning', summary: [{ type: 'other', text: 'x' }] }] }, 'input[0].summary[0].type');
    rejects({ model: 'm', input: [{ type: 7 }] }, 'input[0].type');
  });

  test('top-level fields', () => {
    rejects({ model: 'm', input: [], tools: {} }, 'tools');
    rejects({ model: 'm', input: [], tools: [{ type: 'function' }] }, 'tools[0].name');
    rejects({ model: 'm', input: [], tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'web_search' }] }] }, 'tools[0].tools[0].type');
    rejects({ model: 'm', input: [], tool_choice: 'sometimes' }, 'tool_choice');
    rejects({ model: 'm', input: [], temperature: 'hot' }, 'temperature');
    rejects({ model: 'm', input: [], max_output_tokens: 1.5 }, 'max_output_tokens');
    rejects({ model: 'm', input: [], stream: 'yes' }, 'stream');
    rejects({ model: 'm', input: [], reasoning: 'high' }, 'reasoning');
    rejects({ model: 'm', input: [], instructions: 5 }, 'instructions');
  });

  test('unknown item types are not validated beyond having a type', () => {
    const request = decode({ model: 'm', input: [{ type: 'future_call', anything: [1, 2] }] });
    assert.equal(request.messages[0]?.role, 'assistant');
    assert.deepEqual(request.messages[0]?.content[0], { type: 'opaque', dialect: 'openai-responses', value: { type: 'future_call', anything: [1, 2] } });
  });
});
