/**
 * Amazon Bedrock through Converse / ConverseStream (`type: bedrock`, every model that is not
 * Claude, and Claude with `quirks.bedrock_api: converse`): the real Codex CLI completes tool
 * tasks on Llama and on Claude (thinking on, its signature replayed and verified by the
 * emulator), real Claude Code on Claude via Converse, the OpenAI SDK on Mistral (whole answers,
 * usage logged); Bedrock's refusals (validation, throttling, a mid-stream exception) classified.
 * The emulator recomputes every SigV4 signature and validates the Converse bodies strictly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../fakes/bedrock-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-bedrock-converse-e2e';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const llama = 'us.meta.llama3-3-70b-instruct-v1:0';
const claude = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const mistral = 'mistral.mistral-large-2407-v1:0';
let anthropic: AnthropicEmulator;
let bedrock: BedrockEmulator;
let gateway: TestGateway;
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

const toolResults = (request: RecordedRequest): number =>
  (request.body?.messages ?? []).flatMap((message: { content: unknown[] }) => message.content).filter((block: object) => 'toolResult' in block).length;
const converseCalls = () => bedrock.requests.filter((request) => /\/converse(-stream)?$/.test(request.url));

before(async () => {
  anthropic = await startAnthropicEmulator({ respond: () => ({ text: 'InvokeModel is not used here' }) });
  bedrock = await startBedrockEmulator({
    region: 'us-west-2',
    credentials,
    anthropic: { url: anthropic.url, apiKey: 'sk-ant-upstream-test' },
    converse: { respond: (request) => script(request) },
  });
  gateway = await startTestGateway(`
providers:
  aws:
    type: bedrock
    base_url: "${bedrock.url}"
    region: us-west-2
    access_key_id: ${credentials.accessKeyId}
    secret_access_key: "${credentials.secretAccessKey}"
  aws-converse:
    type: bedrock
    base_url: "${bedrock.url}"
    region: us-west-2
    access_key_id: ${credentials.accessKeyId}
    secret_access_key: "${credentials.secretAccessKey}"
    quirks: { bedrock_api: converse }
models:
  llama: { provider: aws, model: ${llama} }
  mistral: { provider: aws, model: ${mistral} }
  claude-converse: { provider: aws-converse, model: ${claude} }
  claude-sonnet-4-5: { provider: aws-converse, model: ${claude} }
keys:
  - { name: dev, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await bedrock.close();
  await anthropic.close();
});

describe('Amazon Bedrock Converse through Switchyard', () => {
  test('(a) Codex on Llama through ConverseStream: a tool task, the event stream decoded, usage logged', async () => {
    const start = converseCalls().length;
    script = (request) =>
      toolResults(request) > 0
        ? { text: 'Created hello.txt.', usage: { input: 900, output: 12, cached: 300 } }
        : { toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from llama\\n' > hello.txt" } }], usage: { input: 800, output: 40 } };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'llama', reasoningEffort: 'medium', prompt: 'Create hello.txt.' },
      { files: { 'hello.txt': 'from llama\n' }, finalText: 'Created hello.txt.' },
      async () => {
        const calls = converseCalls().slice(start);
        assert.equal(calls.length, 2);
        assert.equal(calls[0]!.url, `/model/${encodeURIComponent(llama)}/converse-stream`);
        assert.equal(calls[0]!.body.additionalModelRequestFields, undefined, 'no Claude settings for Llama');
        const assistant = calls[1]!.body.messages.find((message: { role: string }) => message.role === 'assistant');
        assert.ok(assistant.content.some((block: object) => 'toolUse' in block));
        const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 });
        assert.equal(rows[0]?.outcome, 'ok');
        assert.equal(rows[0]?.inputTokens, 900, 'input includes the cache reads');
        assert.equal(rows[0]?.cachedInputTokens, 300);
      },
    );
  });

  test('(b) Codex on Claude via Converse: thinking on, the reasoning signature replayed across turns', async () => {
    const start = converseCalls().length;
    script = (request) =>
      toolResults(request) > 0
        ? { reasoning: { text: 'It is written.' }, text: 'Created notes.txt.' }
        : {
            reasoning: { text: 'I will use the shell.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'claude via converse\\n' > notes.txt" } }],
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'claude-converse', reasoningEffort: 'high', prompt: 'Create notes.txt.' },
      { files: { 'notes.txt': 'claude via converse\n' }, finalText: 'Created notes.txt.' },
      () => {
        const calls = converseCalls().slice(start);
        assert.equal(calls.length, 2);
        assert.equal(calls[0]!.url, `/model/${encodeURIComponent(claude)}/converse-stream`);
        assert.equal(calls[0]!.body.additionalModelRequestFields?.thinking?.type, 'enabled');
        const assistant = calls[1]!.body.messages.find((message: { role: string }) => message.role === 'assistant');
        const reasoning = assistant.content[0].reasoningContent?.reasoningText;
        assert.equal(reasoning?.text, 'I will use the shell.');
        assert.ok(reasoning?.signature, 'the signature Claude issued went back (the emulator verified it)');
      },
    );
  });

  test('(c) Claude Code on Claude via Converse: Bash writes a file, thinking replayed', async () => {
    const start = converseCalls().length;
    const write = { command: "printf 'hello via converse\\n' > greeting.txt", description: 'Write greeting.txt' };
    script = (request) =>
      toolResults(request) > 0
        ? { reasoning: { text: 'Done.' }, text: 'Created greeting.txt.' }
        : { reasoning: { text: 'I will write the file.' }, toolCalls: [{ name: 'Bash', arguments: write }] };
    await driveClaudeCode(
      { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-sonnet-4-5', prompt: 'Create greeting.txt.' },
      { files: { 'greeting.txt': 'hello via converse\n' }, finalText: 'Created greeting.txt.' },
      () => {
        const answered = converseCalls()
          .slice(start)
          .filter((request) => toolResults(request) > 0);
        assert.ok(answered.length >= 1, 'the tool result went back through Converse');
        const assistant = answered.at(-1)!.body.messages.findLast((message: { role: string }) => message.role === 'assistant');
        assert.equal(answered.at(-1)!.body.additionalModelRequestFields?.thinking?.type, 'enabled');
        assert.ok(assistant.content[0].reasoningContent?.reasoningText?.signature, 'the signed thinking replayed first');
      },
    );
  });

  test('(d) the OpenAI SDK on Mistral: a whole answer through Converse, usage and stop reason mapped', async () => {
    script = () => ({ text: 'Bonjour.', usage: { input: 11, output: 3 } });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'mistral',
      max_tokens: 100,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.equal(answer.choices[0]?.message.content, 'Bonjour.');
    assert.equal(answer.choices[0]?.finish_reason, 'stop');
    assert.equal(answer.usage?.prompt_tokens, 11);
    const call = converseCalls().at(-1)!;
    assert.equal(call.url, `/model/${encodeURIComponent(mistral)}/converse`);
    assert.deepEqual(call.body.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(call.body.inferenceConfig, { maxTokens: 100, temperature: 0.2 });
  });

  test("(e) Bedrock's refusals through Converse: validation relayed, throttling, a mid-stream exception", async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: clientKey, maxRetries: 0 });
    const ask = () => client.messages.create({ model: 'llama', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    script = () => ({ error: { status: 429, message: 'Too many tokens, please wait before trying again.' } });
    await assert.rejects(ask(), (error: { status?: number }) => error.status === 429);
    script = () => ({ error: { status: 400, message: 'This model does not support tool use in streaming mode.' } });
    await assert.rejects(
      ask(),
      (error: { status?: number; message?: string }) => error.status === 400 && /does not support tool use/.test(String(error.message)),
    );
    // A temperature Chat allows but Converse refuses (above 1) is the emulator's ValidationException, relayed.
    script = () => ({ text: 'unused' });
    const chat = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    await assert.rejects(
      chat.chat.completions.create({ model: 'llama', max_tokens: 64, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] }),
      (error: { status?: number; message?: string }) => error.status === 400 && /inferenceConfig.temperature/.test(String(error.message)),
    );
    script = () => ({
      text: 'a partial answer long enough to stream',
      midStreamError: { afterEvents: 3, type: 'model_stream_error', message: 'The model stream failed.' },
    });
    const stream = await client.messages.create({ model: 'llama', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(
      (async () => {
        for await (const _event of stream);
      })(),
      /model stream failed/,
    );
  });
});
