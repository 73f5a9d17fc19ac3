/**
 * Vertex AI end to end: the real Codex CLI on Gemini 3 and on Claude through `type: vertex` /
 * `vertex-anthropic`, and the real Claude Code on Claude through Vertex. The Vertex emulator
 * takes only bearer tokens a local token server issued for a JWT signed with the service
 * account's key (google-auth-library's JWT bearer flow), then hands the request to the strict
 * Gemini and Anthropic emulators, which verify the thought and thinking signatures they issued.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startGoogleTokenServer, type GoogleTokenServer } from '../fakes/google-token-server.ts';
import { startVertexEmulator, type VertexEmulator } from '../fakes/vertex-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { anthropicToolResults, geminiFunctionResponses, geminiParts } from '../support/agents/turn-counts.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { checkProvider } from '../../src/cli/doctor.ts';

const clientKey = 'sk-vertex-e2e-01';
const project = 'switchyard-test';
let tokens: GoogleTokenServer;
let gemini: GeminiEmulator;
let anthropic: AnthropicEmulator;
let vertex: VertexEmulator;
let gateway: TestGateway;
let geminiScript: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });
let claudeScript: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

const vertexCalls = (publisher: string) => vertex.requests.filter((request) => request.url.includes(`/publishers/${publisher}/`));

before(async () => {
  tokens = await startGoogleTokenServer({ projectId: project });
  gemini = await startGeminiEmulator({ respond: (request) => geminiScript(request) });
  anthropic = await startAnthropicEmulator({ respond: (request) => claudeScript(request) });
  vertex = await startVertexEmulator({
    project,
    location: 'global',
    isValidToken: tokens.isValidToken,
    gemini: { url: gemini.url, apiKey: 'gemini-upstream-test' },
    anthropic: { url: anthropic.url, apiKey: 'sk-ant-upstream-test' },
  });
  const dir = await mkdtemp(join(tmpdir(), 'vertex-sa-'));
  const serviceAccount = await tokens.writeServiceAccountFile(dir);
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forged = await tokens.writeServiceAccountFile(await mkdtemp(join(tmpdir(), 'vertex-forged-')), { privateKeyPem: otherKey });
  gateway = await startTestGateway(`
providers:
  vgemini: { type: vertex, base_url: "${vertex.url}", project: ${project}, location: global, credentials_file: "${serviceAccount}" }
  vclaude: { type: vertex, base_url: "${vertex.url}", project: ${project}, location: global, credentials_file: "${serviceAccount}" }
  vforged: { type: vertex, base_url: "${vertex.url}", project: ${project}, location: global, credentials_file: "${forged}" }
models:
  gemini-3-vertex: { provider: vgemini, model: gemini-3-pro-preview }
  claude-vertex: { provider: vclaude, model: claude-sonnet-4-5@20250929 }
  claude-sonnet-4-5: { provider: vclaude, model: claude-sonnet-4-5@20250929 }
  claude-forged: { provider: vforged, model: claude-sonnet-4-5@20250929 }
keys:
  - { name: dev, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await vertex.close();
  await anthropic.close();
  await gemini.close();
  await tokens.close();
});

describe('Vertex AI through Switchyard', () => {
  test('(a) Codex on Gemini 3 through Vertex: tool task, the thought signature Gemini issued replayed', async () => {
    const start = vertexCalls('google').length;
    geminiScript = (request) =>
      geminiFunctionResponses(request) > 0
        ? { reasoning: { text: 'Done; report back.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30, cached: 1000 } }
        : {
            reasoning: { text: 'I need a shell command.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from vertex gemini\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'gemini-3-vertex', reasoningEffort: 'high', prompt: 'Create hello.txt.' },
      { files: { 'hello.txt': 'from vertex gemini\n' }, finalText: 'Created hello.txt.' },
      () => {
        const calls = vertexCalls('google').slice(start);
        assert.equal(calls.length, 2);
        assert.equal(
          new URL(calls[0]!.url, 'http://x').pathname,
          `/v1/projects/${project}/locations/global/publishers/google/models/gemini-3-pro-preview:streamGenerateContent`,
        );
        assert.match(String(calls[0]!.headers.authorization), /^Bearer ya29\./);
        assert.equal(calls[0]!.headers['x-goog-api-key'], undefined, 'no API key on Vertex');
        const callPart = geminiParts(calls[1]!).find((part) => part.functionCall);
        assert.ok(
          callPart?.thoughtSignature && !/skip_thought_signature_validator|context_engineering/.test(callPart.thoughtSignature),
          'a real signature replayed',
        );
      },
    );
  });

  test('(b) Codex on Claude through Vertex: thinking with its signature replayed; rawPredict body shape', async () => {
    const start = vertexCalls('anthropic').length;
    claudeScript = (request) =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'Written.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30 } }
        : {
            reasoning: { text: 'I will use the shell.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from vertex claude\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'claude-vertex', reasoningEffort: 'high', prompt: 'Create hello.txt.' },
      { files: { 'hello.txt': 'from vertex claude\n' } },
      () => {
        const calls = vertexCalls('anthropic').slice(start);
        assert.equal(calls.length, 2);
        assert.match(calls[0]!.url, /\/publishers\/anthropic\/models\/claude-sonnet-4-5@20250929:streamRawPredict$/);
        assert.equal(calls[0]!.body.anthropic_version, 'vertex-2023-10-16');
        assert.equal(calls[0]!.body.model, undefined);
        assert.equal(calls[0]!.body.thinking?.type, 'enabled');
        const assistant = calls[1]!.body.messages.find((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
        assert.ok(assistant.content[0].signature, 'the signature went back (the Anthropic emulator verified it)');
      },
    );
  });

  test('(c) Claude Code on Claude through Vertex: Bash writes a file, signed thinking replayed', async () => {
    const start = vertexCalls('anthropic').length;
    const write = { command: "printf 'hello from vertex\\n' > greeting.txt", description: 'Write greeting.txt' };
    claudeScript = (request) =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'The file is written.' }, text: 'Created greeting.txt.' }
        : { reasoning: { text: 'I will write the file.' }, toolCalls: [{ name: 'Bash', arguments: write }] };
    await driveClaudeCode(
      { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-sonnet-4-5', prompt: 'Create greeting.txt.' },
      { files: { 'greeting.txt': 'hello from vertex\n' }, finalText: 'Created greeting.txt.' },
      () => {
        const calls = vertexCalls('anthropic')
          .slice(start)
          .filter((request) => request.url.endsWith(':streamRawPredict'));
        assert.ok(calls.length >= 2);
        const second = calls.at(-1)!;
        assert.equal(second.body.anthropic_version, 'vertex-2023-10-16');
        assert.match(String(second.headers['anthropic-beta']), /claude-code-20250219/, 'Vertex takes the betas as a header');
        const assistant = second.body.messages.findLast((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
      },
    );
  });

  test('(d) one token serves every call (cached); a JWT signed with another key gets no token and no answer', async () => {
    assert.equal(tokens.issued(), 2, 'one token per provider, cached by google-auth-library across every call');
    const direct = await fetch(`${vertex.url}/v1/projects/${project}/locations/global/publishers/google/models/gemini-3-pro-preview:generateContent`, {
      method: 'POST',
      headers: { authorization: 'Bearer ya29.not-issued', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(direct.status, 401);
    assert.equal(((await direct.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');

    const client = new Anthropic({ baseURL: gateway.url, apiKey: clientKey, maxRetries: 0 });
    const before = vertexCalls('anthropic').length;
    await assert.rejects(
      client.messages.create({ model: 'claude-forged', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
      (error: { status?: number; message?: string }) => error.status === 502 && /no Google access token/.test(String(error.message)),
    );
    assert.equal(vertexCalls('anthropic').length, before, 'nothing reached Vertex without a token');
    assert.ok(tokens.requests.some((request) => request.url === '/token' && request.method === 'POST'));
  });

  test('(e) doctor fetches a token for its probe; a service account the token server refuses is named with the fix', async () => {
    const providers = gateway.gateway.current.config.providers;
    const good = await checkProvider(providers.vgemini!, 5000);
    assert.equal(good.ok, true, good.message);
    const forged = await checkProvider(providers.vforged!, 5000);
    assert.equal(forged.ok, false);
    assert.match(forged.message, /no Google access token/);
    assert.match(String(forged.fix), /credentials_file/);
  });
});
