import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { runClaudeCode } from './claude-code/run-claude-code.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { anthropicToolResults } from '../support/agents/turn-counts.ts';
import { startRecordingProxy, type RecordedExchange, type RecordingProxy } from '../support/recording-proxy.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Claude Code → clientSide proxy → gateway → upstreamSide proxy → Anthropic emulator: both
// proxies keep raw bytes, so the passthrough can be compared byte for byte.
const clientKey = 'sk-claude-code-e2e-01';
const upstreamKey = 'sk-ant-upstream-test';
let anthropic: AnthropicEmulator;
let responses: ResponsesEmulator;
let upstreamSide: RecordingProxy;
let clientSide: RecordingProxy;
let gateway: TestGateway;

const responsesToolOutputs = (request: RecordedRequest) =>
  (request.body?.input ?? []).filter((item: { type: string }) => item.type === 'function_call_output').length;
const writeGreeting = { command: "printf 'hello from claude code\\n' > greeting.txt", description: 'Write greeting.txt' };

/** Turn 1: think, then call Claude Code's Bash tool; turn 2 (a tool result is back): think, answer. */
function bashThenAnswer(toolResults: (request: RecordedRequest) => number) {
  return (request: RecordedRequest): Scenario =>
    toolResults(request) > 0
      ? { reasoning: { text: 'The file is written.' }, text: 'Created greeting.txt.', usage: { input: 2000, output: 20, cached: 1500 } }
      : {
          reasoning: { text: 'I will write the file with the shell.' },
          toolCalls: [{ name: 'Bash', arguments: writeGreeting }],
          usage: { input: 1800, output: 40 },
        };
}

before(async () => {
  anthropic = await startAnthropicEmulator({ apiKey: upstreamKey, respond: bashThenAnswer(anthropicToolResults) });
  responses = await startResponsesEmulator({ respond: bashThenAnswer(responsesToolOutputs) });
  upstreamSide = await startRecordingProxy(anthropic.url);
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${upstreamSide.url}", api_key: ${upstreamKey} }
  oai: { type: openai, base_url: "${responses.url}", api_key: sk-upstream-test }
  misconfigured: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-not-the-right-key }
models:
  # The alias is what Claude Code sends; the provider gets the dated name.
  claude-sonnet-4-5: { provider: anthro, model: claude-sonnet-4-5-20250929 }
  claude-on-gpt: { provider: oai, model: gpt-5.5 }
  # A name Claude Code does not know (so it sends system turns) for a model that refuses them.
  team-claude: { provider: anthro, model: claude-opus-4-7 }
  claude-haiku-4-5: { provider: misconfigured, model: claude-haiku-4-5 }
keys:
  - { name: claude-code, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
  clientSide = await startRecordingProxy(gateway.url);
});

after(async () => {
  await clientSide.close();
  await gateway.close();
  await upstreamSide.close();
  await anthropic.close();
  await responses.close();
});

const isModelCall = (exchange: RecordedExchange) => exchange.method === 'POST' && exchange.url.split('?')[0] === '/v1/messages';

describe('the real Claude Code through Switchyard', () => {
  test("(a) Anthropic passthrough: Bash writes a file; upstream bytes are Claude Code's bytes but for model and key; thinking signature replayed", async () => {
    const clientStart = clientSide.exchanges.length;
    const upstreamStart = upstreamSide.exchanges.length;
    await driveClaudeCode(
      { baseUrl: clientSide.url, apiKey: clientKey, model: 'claude-sonnet-4-5', prompt: 'Create greeting.txt containing "hello from claude code".' },
      { files: { 'greeting.txt': 'hello from claude code\n' }, finalText: 'Created greeting.txt.' },
      async (run) => {
        assert.equal(run.result?.num_turns, 2);

        const sent = clientSide.exchanges.slice(clientStart).filter(isModelCall);
        const forwarded = upstreamSide.exchanges.slice(upstreamStart).filter(isModelCall);
        assert.equal(sent.length, 2, 'one request per turn');
        assert.equal(forwarded.length, 2);
        for (const [index, client] of sent.entries()) {
          const upstream = forwarded[index]!;
          const clientText = client.body.toString('utf8');
          assert.equal(JSON.parse(clientText).model, 'claude-sonnet-4-5');
          assert.equal(clientText.split('"model":"claude-sonnet-4-5"').length, 2, 'the model member appears once');
          // Byte for byte: only the model value changed.
          assert.equal(
            upstream.body.toString('utf8'),
            clientText.replace('"model":"claude-sonnet-4-5"', '"model":"claude-sonnet-4-5-20250929"'),
            `request ${index + 1} body`,
          );
          // Headers: only the allowlisted ones travel (betas, decision 0003); the key is swapped.
          assert.equal(client.headers['x-api-key'], clientKey);
          assert.equal(upstream.headers['x-api-key'], upstreamKey);
          assert.match(String(client.headers['anthropic-beta']), /claude-code-20250219/);
          for (const name of ['anthropic-beta', 'anthropic-version']) assert.equal(upstream.headers[name], client.headers[name], `header ${name}`);
          assert.equal(upstream.headers['user-agent'], 'switchyard-gateway');
          for (const name of ['x-app', 'x-claude-code-session-id', 'anthropic-dangerous-direct-browser-access']) {
            assert.ok(client.headers[name] !== undefined, `Claude Code sends ${name}`);
            assert.equal(upstream.headers[name], undefined, `header ${name} stays at the gateway`);
          }
          // The answer reached Claude Code unchanged too.
          assert.equal(client.status, 200);
          assert.equal(client.responseBody.toString('utf8'), upstream.responseBody.toString('utf8'), `response ${index + 1} stream`);
        }

        const [first, second] = forwarded.map((exchange) => JSON.parse(exchange.body.toString('utf8')));
        assert.ok(first.thinking?.type === 'enabled' || first.thinking?.type === 'adaptive', 'Claude Code asked for thinking');
        assert.equal(
          first.system.some((block: { cache_control?: unknown }) => block.cache_control !== undefined),
          true,
          'cache_control on system kept',
        );
        const lastTurn = second.messages.at(-1);
        assert.deepEqual(lastTurn.content.at(-1).cache_control, { type: 'ephemeral' }, 'cache breakpoint on the last message kept');
        // Turn 2 replays turn 1's signed thinking first in the assistant turn; the emulator checks
        // the signature it issued, so the 200 above already proves it arrived intact.
        const assistant = second.messages.findLast((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
        const issued = /"signature_delta","signature":"([^"]+)"/.exec(forwarded[0]!.responseBody.toString('utf8'))?.[1];
        assert.ok(issued, 'the emulator signed turn 1');
        assert.equal(assistant.content[0].signature, issued);
        const toolUse = assistant.content.find((block: { type: string }) => block.type === 'tool_use');
        assert.equal(toolUse.name, 'Bash');
        assert.deepEqual(toolUse.input, writeGreeting);

        const rows = await gateway.gateway.storage.logs.query({ key: 'claude-code', limit: 10 });
        const recent = rows.filter((row) => row.model === 'claude-sonnet-4-5').slice(0, 2);
        assert.deepEqual(
          recent.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        assert.ok(
          recent.some((row) => row.inputTokens === 2000 && row.cachedInputTokens === 1500),
          'usage metered from the passthrough stream',
        );
      },
    );
  });

  test('(b) translated to the Responses API: the Bash call round-trips, the file is written, the reasoning item is replayed verbatim', async () => {
    const start = responses.requests.length;
    const issuedBefore = responses.issuedEncryptedContent.size;
    await driveClaudeCode(
      { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-on-gpt', prompt: 'Create greeting.txt containing "hello from claude code".' },
      { files: { 'greeting.txt': 'hello from claude code\n' }, finalText: 'Created greeting.txt.' },
      () => {
        const calls = responses.requests.slice(start).filter((request) => request.url.startsWith('/v1/responses'));
        assert.equal(calls.length, 2);
        const [first, second] = calls.map((request) => request.body);
        assert.equal(first.model, 'gpt-5.5');
        assert.ok(
          first.tools.some((tool: { type: string; name: string }) => tool.type === 'function' && tool.name === 'Bash'),
          'Bash declared as a function tool',
        );
        const call = second.input.find((item: { type: string }) => item.type === 'function_call');
        const output = second.input.find((item: { type: string }) => item.type === 'function_call_output');
        assert.equal(call.name, 'Bash');
        assert.deepEqual(JSON.parse(call.arguments), writeGreeting);
        assert.equal(output.call_id, call.call_id, 'the tool result answers the call');
        // Turn 1's reasoning went to Claude Code sealed in a thinking signature; Claude Code echoed
        // it and turn 2 carries the emulator's own blob (the emulator refuses any other).
        assert.deepEqual(first.include, ['reasoning.encrypted_content']);
        assert.equal(first.store, false);
        const issued = [...responses.issuedEncryptedContent].slice(issuedBefore);
        const reasoning = second.input.filter((item: { type: string }) => item.type === 'reasoning');
        assert.equal(reasoning.length, 1, 'the reasoning item of turn 1 is in turn 2');
        assert.equal(reasoning[0].encrypted_content, issued[0], 'encrypted_content replayed verbatim');
        assert.match(reasoning[0].id, /^rs_/);
        assert.ok(second.input.indexOf(reasoning[0]) < second.input.indexOf(call), 'the reasoning item precedes the call it led to');
        assert.doesNotMatch(JSON.stringify(second), /sy1\./, 'no gateway envelope reaches OpenAI');
      },
    );
  });

  test('(d) an alias of a pre-4.8 Claude: the system turns Claude Code sends are folded, no request is refused upstream', async () => {
    const clientStart = clientSide.exchanges.length;
    const upstreamStart = upstreamSide.exchanges.length;
    await driveClaudeCode(
      { baseUrl: clientSide.url, apiKey: clientKey, model: 'team-claude', prompt: 'Create greeting.txt containing "hello from claude code".' },
      { files: { 'greeting.txt': 'hello from claude code\n' } },
      () => {
        const sent = clientSide.exchanges.slice(clientStart).filter(isModelCall);
        const upstream = upstreamSide.exchanges.slice(upstreamStart).filter(isModelCall);
        assert.deepEqual(
          upstream.map((exchange) => exchange.status),
          upstream.map(() => 200),
          'no request refused upstream',
        );
        assert.equal(upstream.length, sent.length, 'one upstream request per client request (no retry after a 400)');
        const clientSystemTurns = sent.flatMap((exchange) =>
          JSON.parse(exchange.body.toString('utf8')).messages.filter((message: { role: string }) => message.role === 'system'),
        );
        assert.ok(clientSystemTurns.length > 0, 'Claude Code sent system turns behind the unknown alias');
        for (const exchange of upstream) {
          const body = JSON.parse(exchange.body.toString('utf8'));
          assert.equal(body.model, 'claude-opus-4-7');
          assert.ok(body.messages.every((message: { role: string }) => message.role !== 'system'));
        }
        // The first system turn's text reached the model in place, marked.
        const firstText = (content: unknown) => (typeof content === 'string' ? content : ((content as Array<{ text?: string }>)[0]?.text ?? ''));
        const upstreamText = upstream.map((exchange) => exchange.body.toString('utf8')).join('\n');
        assert.ok(upstreamText.includes(JSON.stringify(`<system-reminder>\n${firstText(clientSystemTurns[0].content)}`).slice(1, -1)));
        assert.ok(anthropic.requests.length > 0);
      },
    );
  });

  test("(c) the gateway's upstream key is wrong: Claude Code stops at once and blames the gateway, not its own key", async () => {
    const start = anthropic.requests.length;
    const run = await runClaudeCode({ baseUrl: gateway.url, apiKey: clientKey, model: 'claude-haiku-4-5', prompt: 'Say hi.' });
    try {
      assert.equal(run.exitCode, 1);
      assert.equal(run.result?.api_error_status, 502);
      assert.match(run.finalText, /The upstream rejected the gateway's credentials \(HTTP 401\)/);
      assert.doesNotMatch(run.finalText, /Invalid API key/);
      // x-should-retry: false — without it Claude Code retries a 502 for minutes.
      assert.equal(anthropic.requests.slice(start).length, 1, 'no retry');
    } finally {
      await run.dispose();
    }
  });
});
