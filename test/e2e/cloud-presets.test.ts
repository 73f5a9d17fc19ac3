/**
 * The OpenAI-compatible cloud presets: each type's defaults (base URL, key variable, quirks)
 * from the environment alone, and a Mistral round trip from a Responses client whose call ids
 * Mistral would refuse (the strict front answers Mistral's 400 for any id that is not nine
 * letters and digits).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { parseConfigText } from '../../src/config/load-config.ts';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startMistralEmulator, type MistralEmulator } from '../fakes/mistral-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-presets-e2e-01';
let chat: ChatEmulator;
let mistral: MistralEmulator;
let gateway: TestGateway;
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

before(async () => {
  chat = await startChatEmulator({ respond: (request) => script(request), flavor: 'vllm' });
  mistral = await startMistralEmulator({ apiKey: 'mistral-upstream-key', chat: { url: chat.url, apiKey: 'sk-chat-upstream-test' } });
  gateway = await startTestGateway(
    `
providers:
  lePlateforme: { type: mistral }
models:
  devstral: { provider: lePlateforme, model: devstral-medium-latest }
keys:
  - { name: dev, key: ${clientKey} }
`,
    { MISTRAL_API_KEY: 'mistral-upstream-key', MISTRAL_BASE_URL: mistral.url },
  );
});

after(async () => {
  await gateway.close();
  await mistral.close();
  await chat.close();
});

describe('OpenAI-compatible cloud presets', () => {
  test('(a) each preset from its key variable alone: base URL, key, quirks', () => {
    const env = {
      MISTRAL_API_KEY: 'm',
      GROQ_API_KEY: 'g',
      TOGETHER_API_KEY: 't',
      FIREWORKS_API_KEY: 'f',
      DEEPSEEK_API_KEY: 'd',
      OPENROUTER_API_KEY: 'o',
    };
    const config = parseConfigText('keys: [{ name: dev, key: sk-presets-0001 }]\n', { env, source: 'test', cwd: '/tmp' });
    const expected: Record<string, [string, string]> = {
      mistral: ['https://api.mistral.ai/v1', 'm'],
      groq: ['https://api.groq.com/openai/v1', 'g'],
      together: ['https://api.together.xyz/v1', 't'],
      fireworks: ['https://api.fireworks.ai/inference/v1', 'f'],
      deepseek: ['https://api.deepseek.com/v1', 'd'],
      openrouter: ['https://openrouter.ai/api/v1', 'o'],
    };
    for (const [type, [baseUrl, key]] of Object.entries(expected)) {
      const provider = config.providers[type];
      assert.ok(provider, `${type} made from ${type.toUpperCase()}_API_KEY`);
      assert.equal(provider.baseUrl, baseUrl);
      assert.equal(provider.apiKey?.reveal(), key);
    }
    assert.equal(config.providers.mistral?.quirks.tool_call_id_length, 9);
    assert.equal(config.providers.deepseek?.quirks.images, false);
    const overridden = parseConfigText('providers:\n  m: { type: mistral, quirks: { tool_call_id_length: 12 } }\n', { env, source: 'test', cwd: '/tmp' });
    assert.equal(overridden.providers.m?.quirks.tool_call_id_length, 12, "the config's quirks win over the preset's");
  });

  test('(b) Mistral from a Responses client: call ids become nine alphanumerics, the same in the call and its result', async () => {
    script = () => ({ text: 'The file has 3 lines.' });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    const answer = await client.responses.create({
      model: 'devstral',
      input: [
        { role: 'user', content: 'How many lines in notes.txt?' },
        { type: 'function_call', call_id: 'call_Wq3tZ9pXb1nLm4Kd8Vr2', name: 'shell', arguments: '{"cmd":"wc -l notes.txt"}' },
        { type: 'function_call_output', call_id: 'call_Wq3tZ9pXb1nLm4Kd8Vr2', output: '3 notes.txt' },
      ],
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false }],
    });
    assert.equal(answer.output_text, 'The file has 3 lines.');
    const sent = mistral.requests.at(-1)!.body.messages as Array<{ role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    const callId = sent.find((message) => message.tool_calls)?.tool_calls?.[0]?.id;
    assert.match(String(callId), /^[a-zA-Z0-9]{9}$/);
    assert.equal(sent.find((message) => message.role === 'tool')?.tool_call_id, callId);
    assert.equal(mistral.requests.at(-1)!.headers.authorization, 'Bearer mistral-upstream-key');
  });
});
