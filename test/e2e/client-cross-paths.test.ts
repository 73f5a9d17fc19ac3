import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { driveGeminiCli } from '../support/agents/drive-gemini-cli.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// The cross paths the two acceptance files do not drive: Gemini CLI on OpenAI, Claude Code on
// Gemini 3 and on a strict Chat Completions server (vLLM flavour).
const clientKey = 'sk-cross-paths-e2e-1';
let responses: ResponsesEmulator;
let gemini: GeminiEmulator;
let chat: ChatEmulator;
let gateway: TestGateway;

const shell = (command: string) => ({ command, description: 'Write the file' });
const count = (items: unknown[] | undefined, match: (item: any) => boolean) => (items ?? []).filter(match).length;
const responsesOutputs = (request: RecordedRequest) => count(request.body?.input, (item) => item.type === 'function_call_output');
const geminiResponses = (request: RecordedRequest) =>
  count(
    (request.body?.contents ?? []).flatMap((content: { parts?: unknown[] }) => content.parts ?? []),
    (part) => part.functionResponse !== undefined,
  );
const chatToolMessages = (request: RecordedRequest) => count(request.body?.messages, (message) => message.role === 'tool');

/** Turn 1: call the client's shell tool; turn 2 (its result is back): answer. */
function shellThenAnswer(tool: string, command: string, answered: (request: RecordedRequest) => number, reasoning = false) {
  return (request: RecordedRequest): Scenario =>
    answered(request) > 0
      ? { text: 'Created the file.' }
      : { ...(reasoning ? { reasoning: { text: 'A shell command writes it.' } } : {}), toolCalls: [{ name: tool, arguments: shell(command) }] };
}

before(async () => {
  responses = await startResponsesEmulator({
    respond: shellThenAnswer('run_shell_command', "printf 'gemini cli on openai\\n' > out.txt", responsesOutputs, true),
  });
  gemini = await startGeminiEmulator({ respond: shellThenAnswer('Bash', "printf 'claude code on gemini\\n' > out.txt", geminiResponses, true) });
  chat = await startChatEmulator({ flavor: 'vllm', respond: shellThenAnswer('Bash', "printf 'claude code on vllm\\n' > out.txt", chatToolMessages) });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${responses.url}", api_key: sk-upstream-test }
  google: { type: gemini, base_url: "${gemini.url}", api_key: gemini-upstream-test }
  vllm:
    type: openai-compatible
    base_url: "${chat.url}"
    api_key: sk-chat-upstream-test
    quirks: { system_message_first_only: true }
models:
  gemini-2.5-pro: { provider: oai, model: gpt-5.5 }
  claude-sonnet-4-5: { provider: google, model: gemini-3-pro-preview }
  claude-haiku-4-5: { provider: vllm, model: qwen3-coder }
keys:
  - { name: cross, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([responses.close(), gemini.close(), chat.close()]);
});

test('Gemini CLI on OpenAI Responses: run_shell_command round-trips and the file is written', async () => {
  await driveGeminiCli(
    { baseUrl: gateway.url, apiKey: clientKey, model: 'gemini-2.5-pro', prompt: 'Create out.txt containing "gemini cli on openai".' },
    { files: { 'out.txt': 'gemini cli on openai\n' }, finalText: 'Created the file.' },
    () => {
      const calls = responses.requests.filter((request) => request.url.startsWith('/v1/responses')).map((request) => request.body);
      assert.equal(calls.length, 2);
      assert.ok(calls[0].tools.some((tool: { name: string }) => tool.name === 'run_shell_command'));
      const call = calls[1].input.find((item: { type: string }) => item.type === 'function_call');
      const output = calls[1].input.find((item: { type: string }) => item.type === 'function_call_output');
      assert.equal(output.call_id, call.call_id, 'the functionResponse answers the call it came from');
      assert.equal(calls[1].store, false, 'a Gemini CLI conversation is not stored by OpenAI');
      // Turn 1's reasoning reached Gemini CLI sealed in the call part's thoughtSignature (Gemini CLI
      // drops thought parts) and comes back before the call, its encrypted_content verbatim.
      assert.deepEqual(calls[0].include, ['reasoning.encrypted_content']);
      const reasoning = calls[1].input.filter((item: { type: string }) => item.type === 'reasoning');
      assert.equal(reasoning.length, 1, 'the reasoning item of turn 1 is in turn 2');
      assert.ok(responses.issuedEncryptedContent.has(reasoning[0].encrypted_content), 'the blob the emulator issued');
      assert.ok(calls[1].input.indexOf(reasoning[0]) < calls[1].input.indexOf(call));
      assert.doesNotMatch(JSON.stringify(calls[1]), /sy1\./);
    },
  );
});

test('Claude Code on Gemini 3: Bash round-trips; the strict emulator accepts the function-call history', async () => {
  await driveClaudeCode(
    { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-sonnet-4-5', prompt: 'Create out.txt containing "claude code on gemini".' },
    { files: { 'out.txt': 'claude code on gemini\n' }, finalText: 'Created the file.' },
    () => {
      const turns = gemini.requests.filter((request) => request.url.includes(':streamGenerateContent') || request.url.includes(':generateContent'));
      const last = turns.at(-1)!.body;
      const parts = last.contents.flatMap((content: { parts: Array<Record<string, unknown>> }) => content.parts);
      const call = parts.find((part: Record<string, unknown>) => part['functionCall'] !== undefined);
      assert.equal((call?.['functionCall'] as { name: string }).name, 'Bash');
      // Gemini 3 rejects function-call history without a signature (Claude Code cannot carry
      // Gemini's), so reaching a 200 proves the gateway supplied the documented stand-in.
      assert.equal(typeof call?.['thoughtSignature'], 'string');
    },
  );
});

test('Claude Code on a strict vLLM chat template: one leading system message, function tools, Bash round-trips', async () => {
  await driveClaudeCode(
    { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-haiku-4-5', prompt: 'Create out.txt containing "claude code on vllm".' },
    { files: { 'out.txt': 'claude code on vllm\n' } },
    () => {
      const calls = chat.requests.filter((request) => request.url.startsWith('/v1/chat/completions')).map((request) => request.body);
      for (const body of calls) {
        assert.equal(body.model, 'qwen3-coder');
        assert.equal(
          count(body.messages, (message) => message.role === 'system'),
          body.messages[0].role === 'system' ? 1 : 0,
        );
        assert.ok(body.tools.every((tool: { type: string }) => tool.type === 'function'));
      }
      const last = calls.at(-1)!;
      const assistant = last.messages.find((message: { tool_calls?: unknown[] }) => message.tool_calls?.length);
      const result = last.messages.find((message: { role: string }) => message.role === 'tool');
      assert.equal(result.tool_call_id, assistant.tool_calls[0].id);
    },
  );
});
