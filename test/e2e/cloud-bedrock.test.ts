/**
 * Amazon Bedrock end to end (`type: bedrock`, InvokeModel / InvokeModelWithResponseStream):
 * the real Codex CLI and the real Claude Code complete tool tasks on Claude through a Bedrock
 * emulator that recomputes every SigV4 signature and answers streams in the AWS event stream;
 * the Anthropic emulator behind it verifies the thinking signatures it issued when they are
 * replayed. Also: credentials from the AWS environment variables, and Bedrock's error shapes
 * (bad signature, unknown key, throttling, validation, a mid-stream exception) classified.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startBedrockEmulator, type BedrockEmulator } from '../fakes/bedrock-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { driveClaudeCode } from '../support/agents/drive-claude-code.ts';
import { anthropicToolResults } from '../support/agents/turn-counts.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { checkProvider } from '../../src/cli/doctor.ts';

const clientKey = 'sk-bedrock-e2e-01';
// AWS's documented example key pair.
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const modelId = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
let anthropic: AnthropicEmulator;
let bedrock: BedrockEmulator;
let profileBedrock: BedrockEmulator;
let gateway: TestGateway;
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

const modelCalls = () => bedrock.requests.filter((request) => request.url.startsWith('/model/'));

before(async () => {
  anthropic = await startAnthropicEmulator({ respond: (request) => script(request) });
  bedrock = await startBedrockEmulator({
    region: 'us-west-2',
    credentials,
    anthropic: { url: anthropic.url, apiKey: 'sk-ant-upstream-test' },
    knownModels: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
  });
  // The env provider has no credentials block: the AWS SDK's default chain reads these.
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  // A named profile in a shared credentials file, with a session token: another account, another emulator.
  const profileCredentials = { accessKeyId: 'ASIAPROFILE000000001', secretAccessKey: 'profile/secret/key', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessiontoken' };
  profileBedrock = await startBedrockEmulator({
    region: 'us-west-2',
    credentials: profileCredentials,
    anthropic: { url: anthropic.url, apiKey: 'sk-ant-upstream-test' },
  });
  const awsDir = await mkdtemp(join(tmpdir(), 'aws-profile-'));
  await writeFile(
    join(awsDir, 'credentials'),
    `[default]\naws_access_key_id = AKIADEFAULTNOTUSED00\naws_secret_access_key = nope\n\n[switchyard-test]\naws_access_key_id = ${profileCredentials.accessKeyId}\naws_secret_access_key = ${profileCredentials.secretAccessKey}\naws_session_token = ${profileCredentials.sessionToken}\n`,
  );
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(awsDir, 'credentials');
  process.env.AWS_CONFIG_FILE = join(awsDir, 'config');
  gateway = await startTestGateway(`
providers:
  aws:
    type: bedrock
    base_url: "${bedrock.url}"
    region: us-west-2
    access_key_id: ${credentials.accessKeyId}
    secret_access_key: "${credentials.secretAccessKey}"
  aws-env: { type: bedrock, base_url: "${bedrock.url}", region: us-west-2 }
  aws-profile: { type: bedrock, base_url: "${profileBedrock.url}", region: us-west-2, profile: switchyard-test }
  aws-wrong-secret:
    type: bedrock
    base_url: "${bedrock.url}"
    region: us-west-2
    access_key_id: ${credentials.accessKeyId}
    secret_access_key: not-the-secret
  aws-unknown-key: { type: bedrock, base_url: "${bedrock.url}", region: us-west-2, access_key_id: AKIAUNKNOWN0000000000, secret_access_key: x }
  aws-other-region: { type: bedrock, base_url: "${bedrock.url}", region: eu-central-1, access_key_id: ${credentials.accessKeyId}, secret_access_key: "${credentials.secretAccessKey}" }
models:
  claude-bedrock: { provider: aws, model: ${modelId} }
  claude-sonnet-4-5: { provider: aws, model: ${modelId} }
  claude-profile: { provider: aws-profile, model: ${modelId} }
  claude-env: { provider: aws-env, model: global.anthropic.claude-sonnet-4-5-20250929-v1:0 }
  claude-wrong-secret: { provider: aws-wrong-secret, model: ${modelId} }
  claude-unknown-key: { provider: aws-unknown-key, model: ${modelId} }
  claude-other-region: { provider: aws-other-region, model: ${modelId} }
  not-a-model: { provider: aws, model: us.anthropic.claude-nothing-v1:0 }
  llama: { provider: aws, model: meta.llama3-70b-instruct-v1:0 }
keys:
  - { name: dev, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await bedrock.close();
  await profileBedrock.close();
  await anthropic.close();
});

describe('Amazon Bedrock (InvokeModel) through Switchyard', () => {
  test('(a) Codex on Claude through Bedrock: tool task, thinking signature replayed, event stream decoded', async () => {
    const start = modelCalls().length;
    const streamsBefore = bedrock.streamed.length;
    script = (request) =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'Written.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30, cached: 1000 } }
        : {
            reasoning: { text: 'I will use the shell.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from bedrock\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'claude-bedrock', reasoningEffort: 'high', prompt: 'Create hello.txt.' },
      { files: { 'hello.txt': 'from bedrock\n' }, finalText: 'Created hello.txt.' },
      async () => {
        const calls = modelCalls().slice(start);
        assert.equal(calls.length, 2);
        assert.equal(calls[0]!.url, `/model/${encodeURIComponent(modelId)}/invoke-with-response-stream`);
        assert.equal(calls[0]!.body.anthropic_version, 'bedrock-2023-05-31');
        assert.equal(calls[0]!.body.model, undefined);
        assert.equal(calls[0]!.body.stream, undefined);
        assert.equal(calls[0]!.body.thinking?.type, 'enabled');
        const assistant = calls[1]!.body.messages.find((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
        assert.ok(assistant.content[0].signature, 'the signature Claude issued went back through Bedrock');
        assert.ok(bedrock.streamed.length - streamsBefore >= 2, 'answered in event-stream framing');
        const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
        assert.deepEqual(
          rows.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        assert.equal(rows.find((row) => row.inputTokens === 1500)?.cachedInputTokens, 1000, 'usage read from the reframed stream');
      },
    );
  });

  test('(b) Claude Code on Bedrock: Bash writes a file; betas travel as anthropic_beta; thinking replayed', async () => {
    const start = modelCalls().length;
    const write = { command: "printf 'hello from bedrock\\n' > greeting.txt", description: 'Write greeting.txt' };
    script = (request) =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'The file is written.' }, text: 'Created greeting.txt.' }
        : { reasoning: { text: 'I will write the file.' }, toolCalls: [{ name: 'Bash', arguments: write }] };
    await driveClaudeCode(
      { baseUrl: gateway.url, apiKey: clientKey, model: 'claude-sonnet-4-5', prompt: 'Create greeting.txt.' },
      { files: { 'greeting.txt': 'hello from bedrock\n' }, finalText: 'Created greeting.txt.' },
      () => {
        const calls = modelCalls()
          .slice(start)
          .filter((request) => request.url.endsWith('/invoke-with-response-stream'));
        assert.ok(calls.length >= 2);
        const second = calls.at(-1)!;
        assert.ok(second.body.anthropic_beta?.includes('claude-code-20250219'), 'the betas moved into the body');
        assert.equal(second.headers['anthropic-beta'], undefined);
        const assistant = second.body.messages.findLast((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
      },
    );
  });

  test('(c) credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; a global inference profile as the model id; whole answers', async () => {
    script = () => ({ text: 'env credentials work' });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'claude-env', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.choices[0]?.message.content, 'env credentials work');
    assert.equal(modelCalls().at(-1)!.url, `/model/${encodeURIComponent('global.anthropic.claude-sonnet-4-5-20250929-v1:0')}/invoke`);

    // `profile:` reads the shared credentials file (over the environment's keys), session token included.
    script = () => ({ text: 'profile credentials work' });
    const viaProfile = await client.chat.completions.create({ model: 'claude-profile', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(viaProfile.choices[0]?.message.content, 'profile credentials work');
    const signed = profileBedrock.requests.at(-1)!;
    assert.match(String(signed.headers.authorization), /Credential=ASIAPROFILE000000001\//);
    assert.equal(signed.headers['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLEsessiontoken');
  });

  test("(d) Bedrock's refusals: signature, unknown key, region, throttling, validation, a mid-stream exception", async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: clientKey, maxRetries: 0 });
    const ask = (model: string) => client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    const rejected = async (model: string, status: number, pattern: RegExp) =>
      assert.rejects(ask(model), (error: { status?: number; message?: string }) => {
        assert.equal(error.status, status, `${model}: ${error.message}`);
        assert.match(String(error.message), pattern);
        return true;
      });
    script = () => ({ text: 'unused' });
    await rejected('claude-wrong-secret', 502, /credentials or signature/);
    await rejected('claude-unknown-key', 502, /credentials or signature/);
    await rejected('claude-other-region', 502, /credentials or signature/);
    await rejected('not-a-model', 400, /model identifier is invalid/);
    // Not Claude: sent through Converse, which this account's emulator does not serve.
    await rejected('llama', 400, /model identifier is invalid/);
    assert.equal(modelCalls().at(-1)!.url, `/model/${encodeURIComponent('meta.llama3-70b-instruct-v1:0')}/converse`);
    const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 4 });
    assert.ok(rows.every((row) => row.outcome !== 'ok'));
    assert.ok(rows.some((row) => row.errorCode === 'provider_authentication'));

    script = () => ({ error: { status: 429, type: 'rate_limit_error', message: 'Too many requests' } });
    await rejected('claude-bedrock', 429, /ThrottlingException/);
    script = () => ({ error: { status: 400, type: 'invalid_request_error', message: 'messages: roles must alternate' } });
    await rejected('claude-bedrock', 400, /roles must alternate/);

    script = () => ({ text: 'partial answer that is long enough', midStreamError: { afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' } });
    const stream = await client.messages.create({ model: 'claude-bedrock', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(
      (async () => {
        for await (const _event of stream);
      })(),
      /Overloaded|overloaded/,
    );
  });

  test('(e) doctor signs its probe: good keys reach Bedrock, a wrong secret is named with the fix', async () => {
    const providers = gateway.gateway.current.config.providers;
    const good = await checkProvider(providers.aws!, 2000);
    assert.equal(good.ok, true, good.message);
    const wrong = await checkProvider(providers['aws-wrong-secret']!, 2000);
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /cloud credentials were rejected \(HTTP 403\)/);
    assert.match(String(wrong.fix), /access_key_id/);
  });
});
