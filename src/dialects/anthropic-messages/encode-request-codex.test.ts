import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFixturePaths } from '../../../test/support/client-fixtures.ts';
import type { ExchangeContext, TargetProfile } from '../../core/dialect.ts';
import type { ModelRequest } from '../../core/ir/index.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { openaiResponsesCodec } from '../openai-responses/index.ts';
import { encodeRequest } from './encode-request.ts';
import { readJsonFixture } from '../../../test/support/dialects/anthropic-messages.ts';
import { encodedRequestContext, validateAnthropicRequest } from '../../../test/fakes/anthropic-request-validator.ts';

/** Every captured Codex request (Codex CLI 0.169 against a capture server). */
const captures = clientFixturePaths('codex').map((path) => `codex/${path}`);

function codexBody(name: string): Record<string, any> {
  return readJsonFixture<{ body: Record<string, any> }>(name).body;
}

/** The real inbound path: the Responses codec decodes what Codex sent. */
function contextFor(name: string, target: Partial<TargetProfile> = {}): ExchangeContext {
  const decoded: ModelRequest = openaiResponsesCodec.decodeRequest(codexBody(name), new Warnings());
  const request = { ...decoded, model: target.model ?? 'claude-sonnet-4-5' };
  return {
    request,
    target: { model: 'claude-sonnet-4-5', family: 'anthropic', ...target },
    toolNames: ToolNameMap.fromTools(request.tools),
    warnings: new Warnings(),
  };
}

const targets: Array<Partial<TargetProfile>> = [
  { model: 'claude-sonnet-4-5' },
  { model: 'claude-sonnet-4-5', defaultReasoningEffort: 'high' },
  { model: 'claude-opus-4-1-20250805', defaultReasoningEffort: 'xhigh' },
  { model: 'claude-opus-4-7', defaultReasoningEffort: 'medium' },
  { model: 'claude-3-5-haiku-latest' },
  { model: 'glm-4.6', maxOutputTokens: 16000, defaultReasoningEffort: 'low' },
];

function names(body: Record<string, any>): string[] {
  return (body.tools ?? []).map((tool: { name: string }) => tool.name);
}

describe('Codex captures encoded for Anthropic obey the Messages API rules', () => {
  test('there are captures to check', () => assert.ok(captures.length >= 12));
  for (const name of captures) {
    test(name, () => {
      for (const target of targets) {
        const context = contextFor(name, target);
        const body = encodeRequest(context);
        const rejection = validateAnthropicRequest(body, encodedRequestContext);
        assert.equal(rejection, undefined, `${name} → ${target.model}: ${rejection?.message}`);
        assert.equal(body.stream, true);
        for (const key of ['store', 'include', 'prompt_cache_key', 'client_metadata', 'parallel_tool_calls', 'reasoning', 'input', 'text'])
          assert.ok(!(key in body), key);
      }
    });
  }
});

describe('What Codex sends becomes the right Anthropic request', () => {
  test('gpt-4o: developer messages hoisted in order, namespace flattened, cached-only web_search dropped, cache breakpoints set', () => {
    const name = 'codex/gpt-4o/001-POST_v1_responses.json';
    const capture = codexBody(name);
    const context = contextFor(name);
    const body = encodeRequest(context);
    const developerTexts = capture.input.filter((item: any) => item.role === 'developer').flatMap((item: any) => item.content.map((part: any) => part.text));
    assert.deepEqual(
      (body.system as any[]).map((block) => block.text),
      developerTexts,
    );
    assert.deepEqual(
      body.messages.map((message) => message.role),
      ['user'],
    );
    assert.equal((body.messages[0]!.content as unknown[]).length, 2);
    assert.ok(names(body).includes('exec_command'));
    const namespaced = capture.tools.find((tool: any) => tool.type === 'namespace');
    for (const member of namespaced.tools) assert.ok(names(body).includes(`${namespaced.name}__${member.name}`), member.name);
    const spawn = body.tools!.find((tool: any) => tool.name === 'multi_agent_v1__spawn_agent') as any;
    assert.ok(spawn.description.startsWith(namespaced.description));
    assert.ok(!names(body).includes('web_search'));
    assert.deepEqual((body.tools!.at(-1) as any).cache_control, { type: 'ephemeral' });
    assert.deepEqual((body.system as any[]).at(-1).cache_control, { type: 'ephemeral' });
    assert.deepEqual(body.tool_choice, { type: 'auto' });
    assert.equal(body.thinking, undefined);
    assert.equal(body.max_tokens, 32000);
    assert.ok(context.warnings.list.some((warning) => warning.code === 'tool_dropped' && warning.message.includes('external_web_access')));
  });

  test('gpt-6-sol: the additional_tools item becomes tools, parallel_tool_calls:false disables parallel use', () => {
    const name = 'codex/gpt-6-sol/001-POST_v1_responses.json';
    const context = contextFor(name);
    const body = encodeRequest(context);
    const expected = codexBody(name).input[0].tools.flatMap((namespace: any) => namespace.tools.map((tool: any) => `${namespace.name}__${tool.name}`));
    assert.deepEqual(names(body), expected);
    const exec = body.tools!.find((tool: any) => tool.name === 'functions__exec') as any;
    assert.deepEqual(exec.input_schema.required, ['input']);
    assert.ok(exec.description.includes('PRAGMA_LINE'), 'the grammar is summarised in the description');
    assert.deepEqual(context.toolNames.identity('functions__exec'), { name: 'exec', namespace: 'functions', kind: 'custom' });
    assert.deepEqual(context.toolNames.identity('clock__sleep'), { name: 'sleep', namespace: 'clock', kind: 'function' });
    assert.deepEqual(body.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 8192 });
    assert.equal(body.system?.length, 6);
    assert.ok(!context.warnings.list.some((warning) => warning.code === 'item_dropped'));
  });

  test('patch-gpt55: a freeform call replays as tool_use {input}, its output as the next tool_result', () => {
    const name = 'codex/patch-gpt55/002-POST_v1_responses.json';
    const context = contextFor(name);
    const body = encodeRequest(context);
    const call = codexBody(name).input.find((item: any) => item.type === 'custom_tool_call');
    const output = codexBody(name).input.find((item: any) => item.type === 'custom_tool_call_output');
    const [, assistant, user] = body.messages;
    assert.deepEqual(assistant, { role: 'assistant', content: [{ type: 'tool_use', id: 'call_patch', name: 'apply_patch', input: { input: call.input } }] });
    assert.equal(user?.role, 'user');
    assert.deepEqual((user!.content as any[])[0].type, 'tool_result');
    assert.equal((user!.content as any[])[0].content, output.output);
    assert.ok(context.warnings.list.some((warning) => warning.code === 'tool_dropped' && warning.message.includes('tool_search')));
    assert.ok(context.warnings.list.some((warning) => warning.code === 'custom_tool_wrapped'));
  });

  test('ns_present: a namespaced call replays with the flattened name and parsed arguments', () => {
    const body = encodeRequest(contextFor('codex/ns_present/002-POST_v1_responses.json'));
    assert.deepEqual(body.messages[1], {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'call_ns', name: 'multi_agent_v1__wait_agent', input: { targets: [], timeout_ms: 10 } }],
    });
    assert.deepEqual(body.messages[2], {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call_ns', content: 'agent ids must be non-empty', cache_control: { type: 'ephemeral' } }],
    });
  });

  test('toolsearch: the search items are dropped, the tools they exposed are declared', () => {
    const context = contextFor('codex/toolsearch/002-POST_v1_responses.json');
    const body = encodeRequest(context);
    assert.ok(names(body).includes('multi_agent_v1__spawn_agent'));
    assert.deepEqual(
      body.messages.map((message) => message.role),
      ['user'],
    );
    const dropped = context.warnings.list.filter((warning) => warning.code === 'item_dropped').map((warning) => warning.message);
    assert.ok(dropped.some((message) => message.includes('tool_search_call')));
    assert.ok(dropped.some((message) => message.includes('tool_search_output')));
  });

  test('compact-local: tool history without tools declares placeholders and forbids calls', () => {
    const context = contextFor('codex/compact-local/002-POST_v1_responses.json');
    const body = encodeRequest(context);
    assert.deepEqual(body.tools, [
      {
        name: 'exec_command',
        description: 'Not available in this turn.',
        input_schema: { type: 'object', properties: {} },
        cache_control: { type: 'ephemeral' },
      },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'none' });
    assert.ok(context.warnings.list.some((warning) => warning.code === 'tool_stubs_added'));
  });
});
