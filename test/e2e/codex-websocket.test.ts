/**
 * The real Codex CLI with `supports_websockets = true` through Switchyard's Responses
 * WebSocket, on Claude, Gemini 3 and an OpenAI Responses upstream: each run must go over the
 * socket (no HTTP model call, no fallback warning) and the strict emulators must see complete,
 * valid histories built from `previous_response_id` and the connection's memory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { runCodex, type RunCodexResult } from './codex/run-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-codex-ws-00001';
let anthropic: AnthropicEmulator;
let gemini: GeminiEmulator;
let openai: ResponsesEmulator;
let gateway: TestGateway;
let upgrades = 0;
let httpModelCalls = 0;

const dummySignatures = ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'];
const anthropicToolResults = (request: RecordedRequest): number =>
  (request.body?.messages ?? [])
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result').length;
const geminiParts = (request: RecordedRequest): Array<Record<string, any>> =>
  (request.body?.contents ?? []).flatMap((content: { parts: unknown[] }) => content.parts);
const hasToolOutput = (request: RecordedRequest) =>
  Array.isArray(request.body?.input) && request.body.input.some((item: { type?: string }) => item.type === 'function_call_output');

before(async () => {
  anthropic = await startAnthropicEmulator({
    respond: (request): Scenario =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'It exists now; report back.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30 } }
        : {
            reasoning: { text: 'I need a shell command to create the file.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from claude\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          },
  });
  gemini = await startGeminiEmulator({
    respond: (request): Scenario =>
      geminiParts(request).some((part) => part.functionResponse !== undefined)
        ? { reasoning: { text: 'The command ran.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30 } }
        : {
            reasoning: { text: 'I need a shell command.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from gemini\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          },
  });
  openai = await startResponsesEmulator({
    respond: (request): Scenario =>
      hasToolOutput(request)
        ? { text: 'Created hello.txt.', usage: { input: 900, output: 12 } }
        : {
            reasoning: { text: 'I should create the file with a shell command.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from openai\\n' > hello.txt" } }],
            usage: { input: 800, output: 40, reasoning: 25 },
          },
  });
  gateway = await startTestGateway(`
providers:
  anthro:
    type: anthropic
    base_url: ${anthropic.url}
    api_key: sk-ant-upstream-test
  google:
    type: gemini
    base_url: ${gemini.url}
    api_key: gemini-upstream-test
  oai:
    type: openai
    base_url: ${openai.url}
    api_key: sk-upstream-test
models:
  claude-ws: { provider: anthro, model: claude-sonnet-4-5 }
  gemini-3-ws: { provider: google, model: gemini-3-flash-preview }
  house-ws: { provider: oai, model: gpt-5.5 }
keys:
  - { name: dev, key: ${clientKey} }
`);
  gateway.server.on('upgrade', () => upgrades++);
  gateway.server.on('request', (request: IncomingMessage) => {
    if (request.method === 'POST' && request.url?.startsWith('/v1/responses')) httpModelCalls++;
  });
});

after(async () => {
  await gateway.close();
  await Promise.all([anthropic.close(), gemini.close(), openai.close()]);
});

/** One Codex run over the socket; asserts it never fell back to HTTP and never warned about it. */
async function runOverWebSocket(model: string, prompt: string): Promise<RunCodexResult> {
  const upgradesBefore = upgrades;
  const httpBefore = httpModelCalls;
  const run = await runCodex({ baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model, reasoningEffort: 'high', supportsWebsockets: true, prompt });
  assert.equal(run.exitCode, 0, `codex failed:\n${run.stderr.slice(-3000)}`);
  assert.ok(upgrades > upgradesBefore, 'Codex opened the Responses WebSocket');
  assert.equal(httpModelCalls, httpBefore, 'no model call went over HTTP');
  const output = `${run.stdout}\n${run.stderr}`;
  // Codex 0.169's own words when it gives up on the socket ("Falling back from WebSockets to HTTPS
  // transport.", "falling back to HTTP"), and any reconnect notice.
  assert.doesNotMatch(output, /falling back from websockets|falling back to http|reconnecting/i, 'no fallback warning in Codex’s output');
  return run;
}

describe('Codex CLI over the Responses WebSocket through Switchyard', () => {
  test('on Claude: thinking signatures replayed from the connection’s memory', async () => {
    const start = anthropic.requests.length;
    const run = await runOverWebSocket('claude-ws', 'Create hello.txt containing "from claude".');
    try {
      assert.equal(await readFile(join(run.cwd, 'hello.txt'), 'utf8'), 'from claude\n');
      assert.equal(run.lastMessage.trim(), 'Created hello.txt.');
      const calls = anthropic.requests.slice(start).filter((request) => request.url.startsWith('/v1/messages'));
      assert.equal(calls.length, 2, 'the warm-up called no provider');
      const second = calls[1]!.body;
      assert.ok((second.system ?? []).length > 0 || typeof second.system === 'string', 'Codex’s base prompt (sent in the warm-up) is in the history');
      const assistant = second.messages.find((message: { role: string }) => message.role === 'assistant');
      // The emulator verifies the signature it issued; a lost one would have been a 400.
      assert.equal(assistant.content[0].type, 'thinking');
      assert.equal(assistant.content[0].thinking, 'I need a shell command to create the file.');
      assert.ok(assistant.content.some((block: { type: string }) => block.type === 'tool_use'));
      assert.equal(anthropicToolResults(calls[1]!), 1);
      const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
      assert.deepEqual(
        rows.map((row) => [row.outcome, row.model]),
        [
          ['ok', 'claude-ws'],
          ['ok', 'claude-ws'],
        ],
      );
    } finally {
      await run.dispose();
    }
  });

  test('on Gemini 3: the thought signature Gemini issued comes back', async () => {
    const start = gemini.requests.length;
    const run = await runOverWebSocket('gemini-3-ws', 'Create hello.txt containing "from gemini".');
    try {
      assert.equal(await readFile(join(run.cwd, 'hello.txt'), 'utf8'), 'from gemini\n');
      assert.equal(run.lastMessage.trim(), 'Created hello.txt.');
      const calls = gemini.requests.slice(start).filter((request) => /:(stream)?[gG]enerateContent/.test(request.url));
      assert.equal(calls.length, 2);
      const second = calls[1]!;
      assert.ok(
        (second.body.systemInstruction?.parts ?? []).some((part: { text?: string }) => (part.text ?? '').length > 1000),
        'the base prompt is in systemInstruction',
      );
      const modelTurn = second.body.contents.find((content: { role: string }) => content.role === 'model');
      const callPart = modelTurn.parts.find((part: Record<string, any>) => part.functionCall);
      assert.equal(callPart.functionCall.name, 'exec_command');
      assert.ok(callPart.thoughtSignature && !dummySignatures.includes(callPart.thoughtSignature), `a real signature, got ${callPart.thoughtSignature}`);
      assert.ok(geminiParts(second).some((part) => part.functionResponse?.name === 'exec_command'));
    } finally {
      await run.dispose();
    }
  });

  test('on an OpenAI Responses upstream: the expanded history goes over HTTP, encrypted reasoning verbatim', async () => {
    const start = openai.requests.length;
    const run = await runOverWebSocket('house-ws', 'Create hello.txt containing "from openai".');
    try {
      assert.equal(await readFile(join(run.cwd, 'hello.txt'), 'utf8'), 'from openai\n');
      assert.equal(run.lastMessage.trim(), 'Created hello.txt.');
      const calls = openai.requests.slice(start).filter((request) => request.url.startsWith('/v1/responses'));
      assert.equal(calls.length, 2);
      const second = calls[1]!.body;
      assert.equal(second.previous_response_id, undefined, 'the upstream gets the whole input, not an id it never saw');
      assert.equal(second.generate, undefined);
      assert.equal(second.input[0].role, 'developer', 'the warm-up’s developer message leads the history');
      const reasoning = second.input.find((item: { type: string }) => item.type === 'reasoning');
      // The strict emulator only accepts encrypted_content it issued itself.
      assert.match(reasoning?.encrypted_content ?? '', /^gAAAA/);
      const call = second.input.find((item: { type: string }) => item.type === 'function_call');
      const output = second.input.find((item: { type: string }) => item.type === 'function_call_output');
      assert.equal(output.call_id, call.call_id);
    } finally {
      await run.dispose();
    }
  });
});
