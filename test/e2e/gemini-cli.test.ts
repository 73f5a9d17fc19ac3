import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveGeminiCli } from '../support/agents/drive-gemini-cli.ts';
import { geminiFunctionResponses } from '../support/agents/turn-counts.ts';
import { startRecordingProxy, type RecordedExchange, type RecordingProxy } from '../support/recording-proxy.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Gemini CLI → clientSide proxy → gateway → (geminiSide proxy → Gemini emulator | Anthropic
// emulator). The proxies keep raw bytes, so the passthrough is compared byte for byte.
const clientKey = 'sk-gemini-cli-e2e-01';
const geminiUpstreamKey = 'gemini-upstream-test';
let anthropic: AnthropicEmulator;
let gemini: GeminiEmulator;
let geminiSide: RecordingProxy;
let clientSide: RecordingProxy;
let gateway: TestGateway;

const writeGreeting = { command: "printf 'hello from gemini cli\\n' > greeting.txt", description: 'Write greeting.txt' };
/** What the CLI's routing classifier asks for (a JSON object in its system prompt's schema). */
const classifierAnswer = JSON.stringify({ complexity_reasoning: 'A single shell command.', complexity_score: 10 });

function anthropicScript(request: RecordedRequest): Scenario {
  const body = request.body;
  // The classifier declares no tools and wants JSON; the agent loop declares the shell tool.
  if (!(body.tools ?? []).some((tool: { name: string }) => tool.name === 'run_shell_command')) return { text: classifierAnswer };
  const answered = (body.messages as Array<{ content: unknown }>).some(
    (message) => Array.isArray(message.content) && message.content.some((block: { type: string }) => block.type === 'tool_result'),
  );
  return answered
    ? { text: 'Created greeting.txt.' }
    : { reasoning: { text: 'One shell command writes it.' }, toolCalls: [{ name: 'run_shell_command', arguments: writeGreeting }] };
}

function geminiScript(request: RecordedRequest): Scenario {
  if (!(request.body?.tools ?? []).length) return { text: classifierAnswer };
  return geminiFunctionResponses(request) > 0
    ? { reasoning: { text: 'Done.' }, text: 'Created greeting.txt.' }
    : { reasoning: { text: 'One shell command writes it.' }, toolCalls: [{ name: 'run_shell_command', arguments: writeGreeting }] };
}

before(async () => {
  anthropic = await startAnthropicEmulator({ respond: anthropicScript });
  gemini = await startGeminiEmulator({ apiKey: geminiUpstreamKey, respond: geminiScript });
  geminiSide = await startRecordingProxy(gemini.url);
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-upstream-test }
  google: { type: gemini, base_url: "${geminiSide.url}", api_key: ${geminiUpstreamKey} }
models:
  # The names Gemini CLI 0.61 uses on its own ("auto": flash-lite classifier, then flash) go to Claude.
  gemini-3.5-flash-lite: { provider: anthro, model: claude-haiku-4-5 }
  gemini-3.8-flash: { provider: anthro, model: claude-sonnet-4-5 }
  # What "-m gemini-3.1-pro-preview" asks for goes to Gemini under another Gemini 3 name.
  gemini-3.1-pro-preview: { provider: google, model: gemini-3-pro-preview }
keys:
  - { name: gemini-cli, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
  clientSide = await startRecordingProxy(gateway.url);
});

after(async () => {
  await clientSide.close();
  await gateway.close();
  await geminiSide.close();
  await anthropic.close();
  await gemini.close();
});

const modelOf = (exchange: RecordedExchange) => /\/models\/([^:]+):/.exec(exchange.url)?.[1];
const partsOf = (body: { contents: Array<{ role?: string; parts: Array<Record<string, any>> }> }): Array<Record<string, any>> =>
  body.contents.flatMap((content) => content.parts.map((part) => ({ role: content.role, ...part })));

describe('the real Gemini CLI through Switchyard', () => {
  test('(a) on Claude (translated): the routing classifier gets its JSON, run_shell_command writes the file, the thinking signature survives to turn 2', async () => {
    const clientStart = clientSide.exchanges.length;
    const upstreamStart = anthropic.requests.length;
    await driveGeminiCli(
      { baseUrl: clientSide.url, apiKey: clientKey, prompt: 'Create greeting.txt containing "hello from gemini cli".' },
      { files: { 'greeting.txt': 'hello from gemini cli\n' }, finalText: 'Created greeting.txt.' },
      () => {
        const sent = clientSide.exchanges.slice(clientStart);
        assert.deepEqual(
          sent.map((exchange) => `${modelOf(exchange)} ${exchange.url.split(':').at(-1)} ${exchange.status}`),
          [
            'gemini-3.5-flash-lite generateContent 200',
            'gemini-3.8-flash streamGenerateContent?alt=sse 200',
            'gemini-3.8-flash streamGenerateContent?alt=sse 200',
          ],
          'classifier, then two agent turns on the model it chose',
        );
        const classified = JSON.parse(sent[0]!.responseBody.toString('utf8'));
        assert.deepEqual(JSON.parse(classified.candidates[0].content.parts[0].text), JSON.parse(classifierAnswer));

        const upstream = anthropic.requests.slice(upstreamStart).map((request) => request.body);
        assert.deepEqual(
          upstream.map((body) => body.model),
          ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-sonnet-4-5'],
        );
        // The classifier's responseJsonSchema became Anthropic structured output, in JSON Schema casing.
        assert.equal(upstream[0]!.output_config?.format?.type, 'json_schema');
        assert.equal(upstream[0]!.output_config.format.schema.properties.complexity_score.type, 'integer');
        assert.ok(
          upstream[1]!.tools.some(
            (tool: { name: string; input_schema: { type: string } }) => tool.name === 'run_shell_command' && tool.input_schema.type === 'object',
          ),
        );
        const [assistant, results] = upstream[2]!.messages.slice(-2);
        const toolUse = assistant.content.find((block: { type: string }) => block.type === 'tool_use');
        assert.equal(toolUse.name, 'run_shell_command');
        assert.deepEqual(toolUse.input, writeGreeting);
        assert.equal(results.content[0].type, 'tool_result');
        assert.equal(results.content[0].tool_use_id, toolUse.id, 'the functionResponse answers the tool_use it came from');
        // Thinking stays on at turn 2, and turn 1's signed thinking opens the assistant turn: the
        // gateway sealed it into the functionCall part's thoughtSignature, which Gemini CLI keeps
        // (it drops thought parts). The emulator accepts only signatures it issued.
        assert.ok(['enabled', 'adaptive'].includes(upstream[1]!.thinking?.type), 'thinking on at turn 1');
        assert.deepEqual(upstream[2]!.thinking, upstream[1]!.thinking, 'thinking still on at turn 2');
        assert.equal(assistant.content[0].type, 'thinking');
        assert.equal(assistant.content[0].thinking, 'One shell command writes it.');
        assert.match(assistant.content[0].signature, /^(?!sy1\.)./, "Anthropic's own signature, not the envelope");
        const turn1 = sent[1]!.responseBody.toString('utf8');
        const carried = /"thoughtSignature":"(sy1\.[^"]+)"/.exec(turn1)?.[1];
        assert.ok(carried, 'the call part carried the sealed signature to Gemini CLI');
        assert.ok(sent[2]!.body.toString('utf8').includes(carried), 'Gemini CLI echoed it verbatim');
      },
    );
  });

  test('(b) on Gemini 3 (passthrough): bytes unchanged but for model and key; the thought signature comes back and is accepted', async () => {
    const clientStart = clientSide.exchanges.length;
    const upstreamStart = geminiSide.exchanges.length;
    await driveGeminiCli(
      { baseUrl: clientSide.url, apiKey: clientKey, model: 'gemini-3.1-pro-preview', prompt: 'Create greeting.txt containing "hello from gemini cli".' },
      { files: { 'greeting.txt': 'hello from gemini cli\n' }, finalText: 'Created greeting.txt.' },
      async () => {
        const sent = clientSide.exchanges.slice(clientStart);
        const forwarded = geminiSide.exchanges.slice(upstreamStart);
        assert.equal(sent.length, 2, 'an explicit model skips the classifier: one request per turn');
        assert.equal(forwarded.length, 2);
        for (const [index, client] of sent.entries()) {
          const upstream = forwarded[index]!;
          assert.equal(client.url, '/v1beta/models/gemini-3.1-pro-preview:streamGenerateContent?alt=sse');
          assert.equal(upstream.url, '/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
          assert.ok(upstream.body.equals(client.body), `request ${index + 1}: the body is forwarded byte for byte`);
          assert.equal(client.headers['x-goog-api-key'], clientKey);
          assert.equal(upstream.headers['x-goog-api-key'], geminiUpstreamKey);
          // Client telemetry headers stay at the gateway (decision 0003).
          assert.equal(upstream.headers['user-agent'], 'switchyard-gateway');
          assert.ok(client.headers['x-goog-api-client'] !== undefined);
          assert.equal(upstream.headers['x-goog-api-client'], undefined);
          assert.equal(upstream.status, 200);
          assert.ok(client.responseBody.equals(upstream.responseBody), `response ${index + 1}: the stream reaches the CLI byte for byte`);
        }

        // The emulator signed the functionCall of turn 1 and refuses a Gemini 3 turn 2 without
        // that exact signature on that part: the 200 above is the proof; this names it.
        const issued = /"thoughtSignature": "([^"]+)"/.exec(forwarded[0]!.responseBody.toString('utf8'))?.[1];
        assert.ok(issued, 'the emulator signed the call');
        const replayed = partsOf(JSON.parse(forwarded[1]!.body.toString('utf8'))).find((part) => part.functionCall !== undefined);
        assert.equal(replayed?.role, 'model');
        assert.equal(replayed?.functionCall.name, 'run_shell_command');
        assert.equal(replayed?.thoughtSignature, issued);

        const rows = await gateway.gateway.storage.logs.query({ key: 'gemini-cli', limit: 20 });
        const passthrough = rows.filter((row) => row.model === 'gemini-3.1-pro-preview');
        assert.deepEqual(
          passthrough.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        assert.ok(
          passthrough.every((row) => row.inputTokens > 0 && row.outputTokens > 0),
          'usage metered from the passthrough stream',
        );
      },
    );
  });
});
