import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { Scenario } from '../fakes/scenario.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { anthropicToolResults } from '../support/agents/turn-counts.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Issue 19 done-when 2: a real Claude Code session that places no cache breakpoints
// (DISABLE_PROMPT_CACHING=1) reads the provider's prompt cache on turn 2 through the gateway,
// because the gateway placed breakpoints on the passthrough; the emulator counts the reads.
const clientKey = 'sk-claude-code-cache-1';
let anthropic: AnthropicEmulator;
let clientSide: RecordingProxy;
let gateway: TestGateway;

const blocksOf = (messages: Array<{ content: unknown }> | undefined) =>
  (messages ?? []).flatMap((message) => (Array.isArray(message.content) ? message.content : []));
const marks = (body: any) =>
  [...(Array.isArray(body.system) ? body.system : []), ...(body.tools ?? []), ...blocksOf(body.messages)].filter(
    (block: any) => block?.cache_control !== undefined,
  ).length;

before(async () => {
  // No scripted usage: the emulator's prompt cache decides what was read and written.
  anthropic = await startAnthropicEmulator({
    respond: (request): Scenario =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'Done.' }, text: 'Created greeting.txt.' }
        : {
            reasoning: { text: 'The shell writes it.' },
            toolCalls: [{ name: 'Bash', arguments: { command: "printf 'hi\\n' > greeting.txt", description: 'Write greeting.txt' } }],
          },
  });
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-upstream-test }
models:
  claude-sonnet-4-5: { provider: anthro, model: claude-sonnet-4-5-20250929 }
  claude-no-breakpoints: { provider: anthro, model: claude-sonnet-4-5-20250929, cache: { prompt_caching: false } }
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
  await anthropic.close();
});

async function session(model: string) {
  const start = anthropic.requests.length;
  const clientStart = clientSide.exchanges.length;
  const rowsBefore = new Set((await gateway.gateway.storage.logs.query({ limit: 500 })).map((row) => row.requestId));
  await driveClaudeCode(
    {
      baseUrl: clientSide.url,
      apiKey: clientKey,
      model,
      prompt: 'Create greeting.txt containing "hi".',
      env: { DISABLE_PROMPT_CACHING: '1' },
      timeoutMs: 50_000,
    },
    { finalText: 'Created greeting.txt.' },
  );
  const sent = clientSide.exchanges.slice(clientStart).filter((exchange) => exchange.url.startsWith('/v1/messages') && !exchange.url.includes('count_tokens'));
  const client = sent.map((exchange) => JSON.parse(exchange.body.toString('utf8')));
  const upstream = anthropic.requests.slice(start).filter((request) => request.url.startsWith('/v1/messages') && !request.url.includes('count_tokens'));
  await gateway.gateway.storage.logs.flush();
  const rows = (await gateway.gateway.storage.logs.query({ limit: 500 }))
    .filter((row) => !rowsBefore.has(row.requestId) && row.endpoint === '/v1/messages' && row.model === model)
    .reverse();
  return { client, upstream, rows };
}

test('Claude Code without breakpoints: the gateway places them and turn 2 reads the provider cache', { timeout: 90_000 }, async () => {
  const { client, upstream, rows } = await session('claude-sonnet-4-5');
  const turns = upstream.filter((request) => Array.isArray(request.body?.tools) && request.body.tools.length > 0);
  assert.ok(turns.length >= 2, `expected two agent turns, saw ${turns.length}`);
  for (const body of client.filter((body) => Array.isArray(body.tools) && body.tools.length > 0))
    assert.equal(marks(body), 0, 'Claude Code sent no breakpoints');
  for (const request of turns) {
    const count = marks(request.body);
    assert.ok(count >= 1 && count <= 4, `the gateway placed ${count} breakpoints`);
  }
  const agentRows = rows.filter((row) => row.inputTokens > 1024);
  assert.ok(agentRows.length >= 2, JSON.stringify(rows));
  const [first, second] = agentRows.slice(-2);
  assert.ok(first!.cacheWriteTokens > 0, `turn 1 writes the cache: ${JSON.stringify(first)}`);
  assert.ok(second!.cachedInputTokens > 0, `turn 2 reads the cache: ${JSON.stringify(second)}`);
  assert.ok((second!.promptCacheSavedMicros ?? 0) > 0, 'the log row shows the input cost the provider cache saved');
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(metrics, /switchyard_prompt_cache_tokens_total\{key="claude-code",model="claude-sonnet-4-5-20250929",kind="cached"\} [1-9]/);
  assert.match(metrics, /switchyard_prompt_cache_share\{key="claude-code",model="claude-sonnet-4-5-20250929"\} 0\.\d*[1-9]/);
});

test('cache.prompt_caching: false on the model: no breakpoints are placed and nothing is read', { timeout: 90_000 }, async () => {
  const { upstream, rows } = await session('claude-no-breakpoints');
  for (const request of upstream) assert.equal(marks(request.body), 0);
  for (const row of rows) assert.equal(row.cachedInputTokens, 0);
});
