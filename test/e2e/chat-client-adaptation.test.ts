import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { schemaCheckedFetch } from '../support/openai-schema-fetch.ts';

// A Chat Completions client (the OpenAI SDK) on a Chat server of the same dialect that takes
// only function tools and system content only first (vLLM with a Qwen-style template): the
// passthrough would be refused, so the gateway translates (Chat → IR → Chat).
const clientKey = 'sk-chat-adaptation-e2e-1';
let vllm: ChatEmulator;
let gateway: TestGateway;

const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
const toolMessages = (request: RecordedRequest) => (request.body?.messages ?? []).filter((message: { role: string }) => message.role === 'tool').length;

before(async () => {
  vllm = await startChatEmulator({
    flavor: 'vllm',
    respond: (request): Scenario => (toolMessages(request) > 0 ? { text: 'Patched.' } : { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] }),
  });
  gateway = await startTestGateway(`
providers:
  vllm:
    type: openai-compatible
    base_url: "${vllm.url}"
    api_key: sk-chat-upstream-test
    quirks: { system_message_first_only: true }
models:
  qwen: { provider: vllm, model: qwen3-coder }
keys:
  - { name: chat, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await vllm.close();
});

test('a freeform tool and a late system message from a Chat client reach a function-only server as it accepts them, and the call comes back freeform', async () => {
  const oracle = schemaCheckedFetch();
  const client = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: oracle.fetch });
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    { type: 'custom', custom: { name: 'apply_patch', description: 'Apply a patch.' } },
    { type: 'function', function: { name: 'shell', parameters: { type: 'object', properties: { command: { type: 'string' } } } } },
  ];
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You edit files.' },
    { role: 'user', content: 'Add a.txt.' },
    { role: 'system', content: 'Prefer apply_patch.' },
  ];
  const start = vllm.requests.length;

  const stream = await client.chat.completions.create({ model: 'qwen', messages, tools, stream: true });
  const calls = new Map<number, { id?: string; type?: string; name?: string; input: string }>();
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const entry = calls.get(delta.index) ?? { input: '' };
      const custom = (delta as unknown as { custom?: { name?: string; input?: string } }).custom;
      if (delta.id) entry.id = delta.id;
      if (delta.type) entry.type = delta.type;
      entry.name ??= custom?.name ?? delta.function?.name;
      entry.input += custom?.input ?? delta.function?.arguments ?? '';
      calls.set(delta.index, entry);
    }
  }
  const call = calls.get(0);
  assert.equal(call?.type, 'custom', 'the client declared a freeform tool and gets a freeform call');
  assert.equal(call?.name, 'apply_patch');
  assert.equal(call?.input, patch, 'the raw input, unwrapped from {"input": …}');

  const second = await client.chat.completions.create({
    model: 'qwen',
    messages: [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [{ id: call!.id!, type: 'custom', custom: { name: 'apply_patch', input: patch } }] },
      { role: 'tool', tool_call_id: call!.id!, content: 'Done.' },
    ],
    tools,
  });
  assert.equal(second.choices[0]?.message.content, 'Patched.');

  const upstream = vllm.requests.slice(start).map((request) => request.body);
  assert.equal(upstream.length, 2, 'both requests accepted by the strict server');
  for (const body of upstream) {
    assert.ok(
      body.tools.every((tool: { type: string }) => tool.type === 'function'),
      'function tools only',
    );
    const wrapped = body.tools.find((tool: { function: { name: string } }) => tool.function.name === 'apply_patch');
    assert.deepEqual(wrapped.function.parameters.required, ['input']);
    assert.equal(body.messages.filter((message: { role: string }) => message.role === 'system').length, 1);
    assert.equal(body.messages[0].role, 'system');
    assert.ok(JSON.stringify(body.messages).includes('Prefer apply_patch.'), 'the late system text is kept, as user text');
  }
  const replayed = upstream[1].messages.find((message: { tool_calls?: unknown[] }) => message.tool_calls);
  assert.equal(replayed.tool_calls[0].type, 'function');
  assert.deepEqual(JSON.parse(replayed.tool_calls[0].function.arguments), { input: patch });
  assert.ok(oracle.checked >= 2);
  oracle.assertClean();
});
