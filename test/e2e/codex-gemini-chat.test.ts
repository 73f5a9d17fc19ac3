/**
 * The real Codex CLI through Switchyard to a Gemini 3 model and to a vLLM Chat Completions
 * server, plus the openai SDK consuming the same translated streams. The emulators are strict:
 * Gemini 3 rejects a replayed function call whose thought signature it did not issue, and the
 * vLLM flavor only takes system/user/assistant/tool messages and function tools, so Codex's
 * developer messages, namespace, freeform (custom), tool_search and web_search tools must all be
 * translated before they get there.
 */
import { clientFixture } from '../support/client-fixtures.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { geminiFunctionResponses, geminiParts, type GeminiPart } from '../support/agents/turn-counts.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { schemaCheckedFetch } from '../support/openai-schema-fetch.ts';

/** Codex 0.169's first request for a gpt-5.5 slug (fixtures/clients/codex/gpt-5.5): developer messages, custom, tool_search and web_search tools. */
const codexRequest = clientFixture('codex', 'gpt-5.5', '001-POST_v1_responses.json').body as OpenAI.Responses.ResponseCreateParamsStreaming;

const clientKey = 'sk-codex-gemini-chat-01';
const dummySignatures = ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'];
let gemini: GeminiEmulator;
let vllm: ChatEmulator;
let gateway: TestGateway;
/** Each test installs the model's behaviour for its own run. */
let geminiScript: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });
let chatScript: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

type GeminiContent = { role: string; parts: GeminiPart[] };
type ChatMessage = { role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };

const toolMessages = (request: RecordedRequest) => (request.body?.messages ?? []).filter((message: ChatMessage) => message.role === 'tool').length;
const generateCalls = () => gemini.requests.filter((request) => /:(stream)?[gG]enerateContent/.test(request.url));

before(async () => {
  gemini = await startGeminiEmulator({ respond: (request) => geminiScript(request) });
  vllm = await startChatEmulator({ respond: (request) => chatScript(request), flavor: 'vllm' });
  gateway = await startTestGateway(`
providers:
  google:
    type: gemini
    base_url: ${gemini.url}
    api_key: gemini-upstream-test
  vllm:
    type: openai-compatible
    base_url: ${vllm.url}
    api_key: sk-chat-upstream-test
models:
  gemini-3-codex: { provider: google, model: gemini-3-flash-preview }
  qwen-coder: { provider: vllm, model: qwen3-coder-30b }
  gpt-5.5-qwen: { provider: vllm, model: qwen3-coder-30b }
keys:
  - { name: dev, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await vllm.close();
  await gemini.close();
});

describe('Codex CLI on Gemini 3 through Switchyard', () => {
  test('(a) shell task: the thought signature Gemini issued survives Codex round trip', async () => {
    const start = generateCalls().length;
    geminiScript = (request) =>
      geminiFunctionResponses(request) > 0
        ? { reasoning: { text: 'The command ran; report back.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30, cached: 1000 } }
        : {
            reasoning: { text: 'I need a shell command to create the file.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from gemini\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      {
        baseUrl: `${gateway.url}/v1`,
        apiKey: clientKey,
        model: 'gemini-3-codex',
        reasoningEffort: 'high',
        prompt: 'Create hello.txt containing "from gemini".',
      },
      { files: { 'hello.txt': 'from gemini\n' }, finalText: 'Created hello.txt.' },
      async (run) => {
        const calls = generateCalls().slice(start);
        assert.equal(calls.length, 2);
        const [first, second] = calls as [RecordedRequest, RecordedRequest];
        assert.match(first.url, /gemini-3-flash-preview:streamGenerateContent\?alt=sse$/);
        // Codex's developer messages (its base prompt) became the systemInstruction.
        assert.ok(
          (first.body.systemInstruction?.parts ?? []).some((part: GeminiPart) => (part.text ?? '').length > 1000),
          'the base prompt is in systemInstruction',
        );
        const declared = first.body.tools.flatMap((tool: { functionDeclarations?: Array<{ name: string }> }) =>
          (tool.functionDeclarations ?? []).map((declaration) => declaration.name),
        );
        assert.ok(declared.includes('exec_command'));
        assert.ok(declared.includes('multi_agent_v1__spawn_agent'), 'the namespace tool is flattened');
        assert.deepEqual(first.body.generationConfig.thinkingConfig, { includeThoughts: true, thinkingLevel: 'high' });
        // Turn 2 replays the call with the signature Gemini issued (the emulator verified it is
        // one of its own; a lost envelope would have produced a dummy here).
        const modelTurn = second.body.contents.find((content: GeminiContent) => content.role === 'model');
        const callPart = modelTurn.parts.find((part: GeminiPart) => part.functionCall);
        assert.equal(callPart.functionCall.name, 'exec_command');
        assert.ok(callPart.thoughtSignature && !dummySignatures.includes(callPart.thoughtSignature), `a real signature, got ${callPart.thoughtSignature}`);
        assert.equal(geminiParts(second).find((part) => part.functionResponse)?.functionResponse?.name, 'exec_command');
        const reasoning = run.events
          .filter((event) => event.type === 'item.completed')
          .map((event) => event.item as { type: string; text?: string })
          .find((item) => item.type === 'reasoning');
        assert.match(reasoning?.text ?? '', /I need a shell command/, 'Gemini thoughts reach Codex as reasoning');
        const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
        assert.deepEqual(
          rows.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        assert.equal(rows.find((row) => row.inputTokens === 1500)?.cachedInputTokens, 1000);
      },
    );
  });
});

const chatCalls = () => vllm.requests.filter((request) => request.url.startsWith('/v1/chat/completions'));

describe('Codex CLI on a vLLM Chat Completions server through Switchyard', () => {
  test('(b) shell task: developer role, namespace and web_search tools translated for a strict chat template', async () => {
    const start = chatCalls().length;
    chatScript = (request) =>
      toolMessages(request) > 0
        ? { text: 'Created hello.txt.', usage: { input: 1500, output: 30, cached: 1000 } }
        : {
            reasoning: { text: 'A shell command will do it.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from vllm\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'qwen-coder', prompt: 'Create hello.txt containing "from vllm".' },
      { files: { 'hello.txt': 'from vllm\n' }, finalText: 'Created hello.txt.' },
      async () => {
        const calls = chatCalls().slice(start);
        assert.equal(calls.length, 2);
        const [first, second] = calls as [RecordedRequest, RecordedRequest];
        // Codex's two developer messages became the one leading system message the template allows.
        const roles = first.body.messages.map((message: ChatMessage) => message.role);
        assert.equal(roles[0], 'system');
        assert.equal(roles.filter((role: string) => role === 'system').length, 1);
        assert.ok(!roles.includes('developer'));
        const names = first.body.tools.map((tool: { type: string; function: { name: string } }) => `${tool.type}:${tool.function.name}`);
        assert.ok(names.includes('function:exec_command'));
        assert.ok(names.includes('function:multi_agent_v1__spawn_agent'), 'the namespace tool is flattened into functions');
        assert.ok(!names.some((name: string) => /web_search/.test(name)), 'hosted web_search is not sent to a Chat server');
        const assistant = second.body.messages.find((message: ChatMessage) => message.role === 'assistant');
        assert.equal(assistant.tool_calls[0].function.name, 'exec_command');
        const toolMessage = second.body.messages.find((message: ChatMessage) => message.role === 'tool');
        assert.equal(toolMessage.tool_call_id, assistant.tool_calls[0].id, 'the vLLM call id went through Codex and back');
        const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
        assert.deepEqual(
          rows.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        assert.equal(rows.find((row) => row.inputTokens === 1500)?.cachedInputTokens, 1000);
        assert.ok(
          rows.every((row) => row.warnings.some((warning) => /web_search/.test(warning))),
          `the dropped hosted tool is recorded: ${JSON.stringify(rows.map((row) => row.warnings))}`,
        );
      },
    );
  });

  test('(b) apply_patch (freeform) becomes a one-string function, tool_search is dropped with a warning; the patch lands', async () => {
    const start = chatCalls().length;
    const cwd = await mkdtemp(join(tmpdir(), 'codex-chat-patch-'));
    await writeFile(join(cwd, 'notes.txt'), 'alpha\nbeta\n');
    const patch = '*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n*** End Patch\n';
    chatScript = (request) =>
      toolMessages(request) > 0 ? { text: 'Patched notes.txt.' } : { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'gpt-5.5-qwen', cwd, prompt: 'In notes.txt replace beta with gamma.' },
      {},
      async (run) => {
        assert.equal(await readFile(join(cwd, 'notes.txt'), 'utf8'), 'alpha\ngamma\n');
        assert.equal(run.lastMessage.trim(), 'Patched notes.txt.');
        const calls = chatCalls().slice(start);
        assert.equal(calls.length, 2);
        const tools = calls[0]!.body.tools as Array<{ type: string; function: { name: string; parameters: { required?: string[] } } }>;
        const warnings = (await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 })).flatMap((row) => row.warnings).join('\n');
        assert.match(warnings, /custom_tool_wrapped: Freeform tool apply_patch/);
        // tool_search runs in Codex against deferred tools; with no function to expose it is dropped, said so.
        assert.ok(!tools.some((tool) => tool.function.name === 'tool_search'));
        assert.match(warnings, /tool_dropped: Hosted tool tool_search/);
        assert.ok(tools.every((tool) => tool.type === 'function'));
        const applyPatch = tools.find((tool) => tool.function.name === 'apply_patch');
        assert.deepEqual(applyPatch?.function.parameters.required, ['input'], 'the freeform tool became a one-string function');
        // Codex answered a custom_tool_call with custom_tool_call_output: one tool message.
        assert.equal(toolMessages(calls[1]!), 1);
      },
    );
  });
});

describe('(c) the openai SDK consumes the translated streams of a Codex request', () => {
  const scenario: Scenario = {
    reasoning: { text: 'Listing the files first.' },
    text: 'Let me look.',
    toolCalls: [{ name: 'exec_command', arguments: { cmd: 'ls -la' } }],
    usage: { input: 2100, output: 80, cached: 2000 },
  };
  for (const model of ['gemini-3-codex', 'gpt-5.5-qwen']) {
    test(`responses.stream() on ${model}`, async () => {
      geminiScript = () => scenario;
      chatScript = () => scenario;
      // Every event the SDK gets is checked against OpenAI's published schema first.
      const oracle = schemaCheckedFetch();
      const client = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: oracle.fetch });
      const stream = client.responses.stream({ ...codexRequest, model });
      const seen = { summary: '', text: '', arguments: '', done: [] as string[] };
      stream.on('response.reasoning_summary_text.delta', (event) => (seen.summary += event.delta));
      stream.on('response.output_text.delta', (event) => (seen.text += event.delta));
      stream.on('response.function_call_arguments.delta', (event) => (seen.arguments += event.delta));
      stream.on('response.output_item.done', (event) => seen.done.push(event.item.type));
      const final = await stream.finalResponse();
      oracle.assertClean();
      assert.equal(oracle.checked, 1);
      assert.equal(final.status, 'completed');
      assert.equal(final.model, model);
      assert.deepEqual(seen, {
        summary: 'Listing the files first.',
        text: 'Let me look.',
        arguments: '{"cmd":"ls -la"}',
        // Gemini's call signature rides in a reasoning item right after the signed call (stream-encoder.ts).
        done: model === 'gemini-3-codex' ? ['reasoning', 'message', 'function_call', 'reasoning'] : ['reasoning', 'message', 'function_call'],
      });
      assert.equal(final.output_text, 'Let me look.');
      const call = final.output.find((item) => item.type === 'function_call');
      assert.ok(call && call.type === 'function_call');
      assert.equal(call.name, 'exec_command');
      assert.deepEqual(JSON.parse(call.arguments), { cmd: 'ls -la' });
      assert.ok(call.call_id.length > 0);
      const usage = final.usage!;
      assert.deepEqual([usage.input_tokens, usage.input_tokens_details.cached_tokens, usage.output_tokens, usage.total_tokens], [2100, 2000, 80, 2180]);
      for (const item of final.output)
        if (item.type === 'reasoning') assert.match(item.encrypted_content ?? '', /^sy1\./, 'foreign secrets travel in the gateway envelope');
      const upstream = model === 'gemini-3-codex' ? generateCalls().at(-1)! : chatCalls().at(-1)!;
      const names: string[] =
        model === 'gemini-3-codex'
          ? upstream.body.tools.flatMap((tool: { functionDeclarations?: Array<{ name: string }> }) =>
              (tool.functionDeclarations ?? []).map((declaration) => declaration.name),
            )
          : upstream.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
      assert.ok(names.includes('exec_command') && names.includes('apply_patch'), `declared: ${names.join(', ')}`);
    });
  }
});
