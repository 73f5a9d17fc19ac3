import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { fakeCredentials } from '../fixtures/guardrails/fake-credentials.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// FAKE credentials built at run time: two the model "makes up", one the client sends (and the model repeats).
const fakes = fakeCredentials(77);
const modelToken = fakes['GITHUB_TOKEN']!.value;
const modelStripe = fakes['STRIPE_SECRET_KEY']!.value;
const clientToken = fakes['NPM_TOKEN']!.value;
const ownSecrets = [modelToken, modelStripe];

const keys = { redact: 'sk-scan-output-redact-1', flag: 'sk-scan-output-flag-01', plain: 'sk-scan-output-plain-1' };

/** The fake model: repeats whatever `npm_…` (or placeholder) it was sent, and emits its own token and key. */
function model(request: RecordedRequest): Scenario {
  const sent = JSON.stringify(request.body);
  const repeated = /\[secret:npm-token:[0-9a-f]{12}\]/.exec(sent)?.[0] ?? (sent.includes(clientToken) ? clientToken : 'nothing');
  return {
    text: `I used ${modelToken} to push, and kept ${repeated} for npm.`,
    toolCalls: [{ name: 'exec_command', arguments: { cmd: `export STRIPE_KEY=${modelStripe} && deploy` } }],
    usage: { input: 100, output: 40 },
  };
}

let anthropic: AnthropicEmulator;
let responses: ResponsesEmulator;
let chat: ChatEmulator;
let gemini: GeminiEmulator;
let gateway: TestGateway;
let receiver: Server;
const exported: string[] = [];

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') exported.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  anthropic = await startAnthropicEmulator({ respond: model });
  responses = await startResponsesEmulator({ respond: model });
  chat = await startChatEmulator({ flavor: 'vllm', respond: model });
  gemini = await startGeminiEmulator({ respond: model });
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: ${anthropic.url}, api_key: sk-ant-upstream-test }
  oai: { type: openai, base_url: ${responses.url}, api_key: sk-upstream-test }
  vllm: { type: openai-compatible, base_url: "${chat.url}", api_key: sk-chat-upstream-test }
  google: { type: gemini, base_url: "${gemini.url}", api_key: gemini-upstream-test }
models:
  local-coder: { provider: vllm, model: qwen3-coder }
  gemini-pro: { provider: google, model: gemini-3-pro-preview }
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }
  house-model: { provider: oai, model: gpt-5.5 }
keys:
  - { name: redactor, key: ${keys.redact}, guardrails: { scan_output: true } }
  - { name: flagger, key: ${keys.flag}, guardrails: { secrets: { action: flag }, scan_output: true } }
  - { name: plain, key: ${keys.plain} }
logging: { bodies: true }
observability:
  otlp: { endpoint: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}" }
`);
});

after(async () => {
  await gateway.close();
  await anthropic.close();
  await responses.close();
  await chat.close();
  await gemini.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const responsesTool = {
  type: 'function',
  name: 'exec_command',
  description: 'Run a shell command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
};
const chatTool = {
  type: 'function',
  function: { name: 'exec_command', description: 'Run a shell command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
};
const geminiTool = { name: 'exec_command', description: 'Run a shell command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } };
const anthropicTool = { name: 'exec_command', description: 'Run a shell command', input_schema: { type: 'object', properties: { cmd: { type: 'string' } } } };

async function call(path: string, key: string, body: Record<string, unknown>): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

// biome-ignore lint/suspicious/noExplicitAny: decoded wire JSON of four dialects.
type Json = Record<string, any>;

/** What a client reads: every string of the answer, plus the streamed deltas joined per kind (a value split across deltas whole). */
function visible(text: string): string {
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  if (text.trimStart().startsWith('{')) {
    collect(JSON.parse(text));
    return values.join('\n');
  }
  const joined = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const event = JSON.parse(line.slice(6)) as Json;
    collect(event);
    const append = (kind: string, piece: unknown) => {
      if (typeof piece === 'string') joined.set(kind, (joined.get(kind) ?? '') + piece);
    };
    // Responses and Anthropic deltas; Chat Completions choices; Gemini candidates' parts.
    const delta = event.delta as Json | string | undefined;
    append(event.type ?? '', typeof delta === 'string' ? delta : (delta?.text ?? delta?.partial_json));
    for (const choice of event.choices ?? []) {
      append('chat-text', choice.delta?.content);
      for (const call of choice.delta?.tool_calls ?? []) append('chat-arguments', call.function?.arguments);
    }
    for (const candidate of event.candidates ?? []) {
      for (const part of candidate.content?.parts ?? []) {
        append('gemini-text', part.text);
        if (part.functionCall) append('gemini-call', JSON.stringify(part.functionCall.args));
      }
    }
  }
  return [...values, ...joined.values()].join('\n');
}

const cases = [
  ['Responses client → OpenAI Responses (same dialect), streamed', '/v1/responses', 'house-model', true],
  ['Responses client → OpenAI Responses (same dialect), not streamed', '/v1/responses', 'house-model', false],
  ['Responses client → Claude (translated), streamed', '/v1/responses', 'claude-sonnet', true],
  ['Anthropic client → Claude (same dialect), not streamed', '/v1/messages', 'claude-sonnet', false],
  ['Anthropic client → Claude (same dialect), streamed', '/v1/messages', 'claude-sonnet', true],
  ['Chat Completions client → an OpenAI-compatible server (same dialect), streamed', '/v1/chat/completions', 'local-coder', true],
  ['Chat Completions client → an OpenAI-compatible server (same dialect), not streamed', '/v1/chat/completions', 'local-coder', false],
  ['Gemini client → Gemini (same dialect), streamed', '/v1beta/models/gemini-pro:streamGenerateContent?alt=sse', 'gemini-pro', true],
  ['Gemini client → Gemini (same dialect), not streamed', '/v1beta/models/gemini-pro:generateContent', 'gemini-pro', false],
] as const;

function requestBody(path: string, model: string, stream: boolean): Record<string, unknown> {
  const prompt = `Publish the package; the npm token is ${clientToken}.`;
  if (path === '/v1/responses') return { model, stream, input: prompt, tools: [responsesTool] };
  if (path === '/v1/chat/completions') return { model, stream, messages: [{ role: 'user', content: prompt }], tools: [chatTool] };
  if (path.startsWith('/v1beta/')) return { contents: [{ role: 'user', parts: [{ text: prompt }] }], tools: [{ functionDeclarations: [geminiTool] }] };
  return { model, stream, max_tokens: 512, messages: [{ role: 'user', content: prompt }], tools: [anthropicTool] };
}

describe('scan_output: secrets the model itself emits are redacted (or flagged) in its answer', () => {
  for (const [label, path, model, stream] of cases) {
    test(label, async () => {
      const answer = await call(path, keys.redact, requestBody(path, model, stream));
      assert.equal(answer.status, 200, answer.text.slice(0, 500));
      const seen = visible(answer.text);
      for (const secret of ownSecrets) assert.ok(!answer.text.includes(secret) && !seen.includes(secret), 'the model’s own secrets never reach the client');
      assert.match(seen, /I used \[secret:github-token:[0-9a-f]{12}\] to push/);
      assert.match(seen, /export STRIPE_KEY=\[secret:stripe-key:[0-9a-f]{12}\] && deploy/);
      // The request's own secret went to the provider as a placeholder and comes back as itself, unflagged.
      assert.ok(seen.includes(`kept ${clientToken} for npm`), 'the secret the request carried is restored, not redacted');
      const header = answer.headers.get('x-switchyard-guardrails') ?? '';
      if (!stream) assert.deepEqual(header.split(',').sort(), ['github-token=redact', 'npm-token=redact', 'stripe-key=redact']);
      else assert.ok(header.includes('npm-token=redact'), 'a stream’s header has the input verdicts at least');
      const [row] = await gateway.gateway.storage.logs.query({ key: 'redactor', limit: 1 });
      assert.ok(row);
      const outputWarnings = row.warnings.filter((warning) => / at output\[/.test(warning));
      assert.equal(outputWarnings.length, 2, JSON.stringify(row.warnings));
      for (const warning of outputWarnings)
        assert.match(warning, /^guardrail_redact: (github-token|stripe-key) at output\[\d\]\.(text|arguments) \(fp_[0-9a-f]{16}\)$/);
      const logged = JSON.stringify(row);
      // (The request's own secret is in the logged answer as the client got it, restored: the input side's business.)
      for (const secret of ownSecrets) assert.ok(!logged.includes(secret), 'none of the model’s secrets in the log row (bodies logged)');
    });
  }

  test('flag: the answer is unchanged and the model’s secrets are recorded; the metric counts by rule and action', async () => {
    const answer = await call('/v1/responses', keys.flag, requestBody('/v1/responses', 'house-model', false));
    assert.equal(answer.status, 200);
    const seen = visible(answer.text);
    assert.ok(seen.includes(modelToken) && seen.includes(modelStripe) && seen.includes(clientToken));
    assert.deepEqual((answer.headers.get('x-switchyard-guardrails') ?? '').split(',').sort(), ['github-token=flag', 'npm-token=flag', 'stripe-key=flag']);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /switchyard_guardrail_hits_total\{rule="github-token",action="flag"\} 1/);
    assert.match(
      metrics,
      new RegExp(`switchyard_guardrail_hits_total\\{rule="stripe-key",action="redact"\\} ${cases.length}\\b`),
      'one per surface case above',
    );
    for (const secret of [...ownSecrets, clientToken]) assert.ok(!metrics.includes(secret));
  });

  test('without scan_output (the default) the same-dialect answer stays on the byte passthrough, unjudged', async () => {
    const answer = await call('/v1/responses', keys.plain, requestBody('/v1/responses', 'house-model', true));
    assert.equal(answer.status, 200);
    assert.ok(visible(answer.text).includes(modelToken), 'the model’s output is not scanned unless asked');
    const [row] = await gateway.gateway.storage.logs.query({ key: 'plain', limit: 1 });
    assert.equal(
      row?.warnings.some((warning) => warning.includes('output[')),
      false,
    );
  });

  test('the trace span carries the output verdicts (rule=action), never a value', async () => {
    await gateway.gateway.tracer.forceFlush();
    const spans = exported.flatMap((body) =>
      JSON.parse(body).resourceSpans.flatMap((resource: { scopeSpans: Array<{ spans: unknown[] }> }) => resource.scopeSpans.flatMap((scope) => scope.spans)),
    ) as Array<{ attributes: Array<{ key: string; value: { arrayValue?: { values: Array<{ stringValue: string }> } } }> }>;
    const verdictLists = spans.flatMap((span) =>
      span.attributes
        .filter((entry) => entry.key === 'switchyard.guardrails')
        .map((entry) => entry.value.arrayValue?.values.map((value) => value.stringValue) ?? []),
    );
    assert.ok(
      verdictLists.some((list) => list.includes('github-token=redact') && list.includes('stripe-key=redact')),
      JSON.stringify(verdictLists),
    );
    const all = exported.join('\n');
    for (const secret of [...ownSecrets, clientToken]) assert.ok(!all.includes(secret), 'no secret in any exported span');
  });
});
