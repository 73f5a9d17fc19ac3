import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { dummyThoughtSignatures } from '../fakes/gemini-turn-validator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { schemaCheckedFetch } from '../support/openai-schema-fetch.ts';

// A Chat Completions client (the OpenAI SDK) on a Chat server of the same dialect that takes
// only function tools and system content only first (vLLM with a Qwen-style template): the
// passthrough would be refused, so the gateway translates (Chat → IR → Chat).
const clientKey = 'sk-chat-adaptation-e2e-1';
let vllm: ChatEmulator;
let gemini: GeminiEmulator;
let gateway: TestGateway;

const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
const toolMessages = (request: RecordedRequest) => (request.body?.messages ?? []).filter((message: { role: string }) => message.role === 'tool').length;

before(async () => {
  vllm = await startChatEmulator({
    flavor: 'vllm',
    respond: (request): Scenario => (toolMessages(request) > 0 ? { text: 'Patched.' } : { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] }),
  });
  gemini = await startGeminiEmulator({
    respond: (request): Scenario => {
      const answered = (request.body?.contents ?? []).some((content: { parts?: Array<{ functionResponse?: unknown }> }) =>
        (content.parts ?? []).some((part) => part.functionResponse !== undefined),
      );
      return answered ? { text: 'Listed.' } : { reasoning: { text: 'List first.' }, toolCalls: [{ name: 'shell', arguments: { command: 'ls' } }] };
    },
  });
  gateway = await startTestGateway(`
providers:
  google: { type: gemini, base_url: "${gemini.url}", api_key: gemini-upstream-test }
  vllm:
    type: openai-compatible
    base_url: "${vllm.url}"
    api_key: sk-chat-upstream-test
    quirks: { system_message_first_only: true }
models:
  qwen: { provider: vllm, model: qwen3-coder }
  gemini-chat: { provider: google, model: gemini-3-pro-preview }
keys:
  - { name: chat, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([vllm.close(), gemini.close()]);
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

test("a Chat client on Gemini 3: the call's thought signature travels in the tool-call id and Gemini gets its own back, not the dummy", async () => {
  const oracle = schemaCheckedFetch();
  const client = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: oracle.fetch });
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'shell', parameters: { type: 'object', properties: { command: { type: 'string' } } } } },
  ];
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'List the files.' }];
  const start = gemini.requests.length;
  const first = await client.chat.completions.create({ model: 'gemini-chat', messages, tools });
  const call = first.choices[0]?.message.tool_calls?.[0];
  assert.equal(call?.type, 'function');
  assert.match(call!.id, /^sy1\./, 'the id is a gateway envelope');
  const second = await client.chat.completions.create({
    model: 'gemini-chat',
    messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'a.txt' }],
    tools,
  });
  assert.equal(second.choices[0]?.message.content, 'Listed.');

  const turns = gemini.requests.slice(start).filter((request) => request.url.includes(':generateContent'));
  assert.equal(turns.length, 2);
  const parts = turns[1]!.body.contents.flatMap((content: { parts: Array<Record<string, any>> }) => content.parts);
  const replayed = parts.find((part: Record<string, any>) => part.functionCall !== undefined);
  const result = parts.find((part: Record<string, any>) => part.functionResponse !== undefined);
  assert.equal(typeof replayed.thoughtSignature, 'string');
  assert.ok(!dummyThoughtSignatures.includes(replayed.thoughtSignature), "Gemini's own signature, not the documented stand-in");
  assert.doesNotMatch(JSON.stringify(turns[1]!.body), /sy1\./, 'no envelope reaches Gemini');
  assert.equal(result.functionResponse.name, 'shell');
  if (replayed.functionCall.id !== undefined) assert.equal(result.functionResponse.id, replayed.functionCall.id);
  oracle.assertClean();
});
