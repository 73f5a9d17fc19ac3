// Proves the Anthropic emulator rejects what the Messages API rejects (status + error envelope
// + request-id) and accepts valid requests, including a captured Claude Code request.
import { clientFixture } from '../support/client-fixtures.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulator } from './anthropic-emulator.ts';
import { postJson } from './post-json.ts';
import { textReply } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const headers = { 'x-api-key': 'sk-ant-upstream-test', 'anthropic-version': '2023-06-01' };
const user = { role: 'user', content: 'hi' };
const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const base = { model: 'claude-sonnet-4-5', max_tokens: 2048 };
const thinking = { thinking: { type: 'enabled', budget_tokens: 1024 } };
const toolUse = (id: string) => ({ type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } });
const toolResult = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'sunny' });

type Case = { name: string; body: Record<string, unknown>; status?: number; type?: string; message: RegExp };

const cases: Case[] = [
  { name: 'extra top-level field', body: { ...base, messages: [user], input: 'hi' }, message: /^input: Extra inputs are not permitted$/ },
  { name: 'missing model', body: { max_tokens: 10, messages: [user] }, message: /^model: Field required$/ },
  { name: 'missing max_tokens', body: { model: 'claude', messages: [user] }, message: /^max_tokens: Field required$/ },
  { name: 'max_tokens 0', body: { ...base, max_tokens: 0, messages: [user] }, message: /^max_tokens: Input should be greater than or equal to 1$/ },
  { name: 'max_tokens not an integer', body: { ...base, max_tokens: 1.5, messages: [user] }, message: /valid integer/ },
  { name: 'missing messages', body: { ...base }, message: /^messages: Field required$/ },
  { name: 'empty messages', body: { ...base, messages: [] }, message: /^messages: at least one message is required$/ },
  {
    name: 'system role inside messages, on a model before Opus 4.8',
    body: { ...base, model: 'claude-opus-4-7', messages: [user, { role: 'system', content: 'be nice' }] },
    message: /^role 'system' is not supported on this model$/,
  },
  {
    name: 'system role inside messages, on Sonnet 4.5',
    body: { ...base, messages: [user, { role: 'system', content: 'be nice' }] },
    message: /^role 'system' is not supported on this model$/,
  },
  {
    name: 'system role inside messages on Opus 4.8 without the per-turn-control beta',
    body: { ...base, model: 'claude-opus-4-8', messages: [user, { role: 'system', content: 'be nice' }] },
    message: /^messages\.1\.role: Input should be 'user' or 'assistant'$/,
  },
  {
    name: 'first message from the assistant',
    body: { ...base, messages: [{ role: 'assistant', content: 'hello' }, user] },
    message: /first message must use the "user" role/,
  },
  {
    name: 'empty text block',
    body: { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
    message: /^messages: text content blocks must be non-empty$/,
  },
  {
    name: 'whitespace-only text block',
    body: { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: ' \n ' }] }] },
    message: /must contain non-whitespace text/,
  },
  { name: 'empty string content', body: { ...base, messages: [{ role: 'user', content: '' }] }, message: /text content blocks must be non-empty/ },
  {
    name: 'unknown block type',
    body: { ...base, messages: [{ role: 'user', content: [{ type: 'input_text', text: 'x' }] }] },
    message: /^messages\.0\.content\.0: Input tag 'input_text' found using 'type' does not match any of the expected tags/,
  },
  {
    name: 'tool_use in a user message',
    body: { ...base, tools: [weather], messages: [{ role: 'user', content: [toolUse('toolu_1')] }] },
    message: /`tool_use` blocks can only be in `assistant` messages/,
  },
  {
    name: 'empty content on a non-final message',
    body: { ...base, messages: [{ role: 'user', content: [] }, { role: 'assistant', content: 'x' }, user] },
    message: /^messages\.0: all messages must have non-empty content except for the optional final assistant message$/,
  },
  {
    name: 'tool_use not answered',
    body: { ...base, tools: [weather], messages: [user, { role: 'assistant', content: [toolUse('toolu_1')] }, { role: 'user', content: 'and?' }] },
    message:
      /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\. Each `tool_use` block must have a corresponding `tool_result` block in the next message\.$/,
  },
  {
    name: 'tool_result after text',
    body: {
      ...base,
      tools: [weather],
      messages: [
        user,
        { role: 'assistant', content: [toolUse('toolu_1')] },
        { role: 'user', content: [{ type: 'text', text: 'here' }, toolResult('toolu_1')] },
      ],
    },
    message: /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/,
  },
  {
    name: 'tool_result one turn too late',
    body: {
      ...base,
      tools: [weather],
      messages: [
        user,
        { role: 'assistant', content: [toolUse('toolu_1')] },
        { role: 'user', content: 'wait' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [toolResult('toolu_1')] },
      ],
    },
    message: /immediately after: toolu_1/,
  },
  {
    name: 'tool_result for an unknown id',
    body: {
      ...base,
      tools: [weather],
      messages: [user, { role: 'assistant', content: [toolUse('toolu_1')] }, { role: 'user', content: [toolResult('toolu_1'), toolResult('toolu_9')] }],
    },
    message:
      /^messages\.2\.content\.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9\. Each `tool_result` block must have a corresponding `tool_use` block in the previous message\.$/,
  },
  {
    name: 'tool_use id with a dot',
    body: {
      ...base,
      tools: [weather],
      messages: [user, { role: 'assistant', content: [toolUse('call.1')] }, { role: 'user', content: [toolResult('call.1')] }],
    },
    message: /^messages\.1\.content\.0\.id: String should match pattern/,
  },
  {
    name: 'tool name with a dot',
    body: { ...base, messages: [user], tools: [weather, { ...weather, name: 'mcp.read' }] },
    message: /^tools\.1\.custom\.name: String should match pattern '\^\[a-zA-Z0-9_-\]\{1,128\}\$'$/,
  },
  {
    name: 'tool name of 129 characters',
    body: { ...base, messages: [user], tools: [{ ...weather, name: 'a'.repeat(129) }] },
    message: /tools\.0\.custom\.name: String should match pattern/,
  },
  {
    name: 'tool without input_schema',
    body: { ...base, messages: [user], tools: [{ name: 'f' }] },
    message: /^tools\.0\.custom\.input_schema: Field required$/,
  },
  {
    name: 'input_schema that is not an object schema',
    body: { ...base, messages: [user], tools: [{ name: 'f', input_schema: { type: 'string' } }] },
    message: /^tools\.0\.custom\.input_schema\.type: Input should be 'object'$/,
  },
  {
    name: 'OpenAI-style parameters field',
    body: { ...base, messages: [user], tools: [{ name: 'f', parameters: {}, input_schema: { type: 'object' } }] },
    message: /^tools\.0\.custom\.parameters: Extra inputs are not permitted$/,
  },
  { name: 'duplicate tool names', body: { ...base, messages: [user], tools: [weather, weather] }, message: /^tools: Tool names must be unique\.$/ },
  {
    name: 'unknown server tool type',
    body: { ...base, messages: [user], tools: [{ type: 'web_search', name: 'web_search' }] },
    message: /^tools\.0: Input tag 'web_search' found using 'type'/,
  },
  {
    name: 'tool_choice as an OpenAI string',
    body: { ...base, messages: [user], tools: [weather], tool_choice: 'auto' },
    message: /^tool_choice: Input should be a valid dictionary/,
  },
  { name: 'temperature above 1', body: { ...base, messages: [user], temperature: 1.5 }, message: /^temperature: Input should be less than or equal to 1$/ },
  {
    name: 'metadata with an unknown key',
    body: { ...base, messages: [user], metadata: { session: 'x' } },
    message: /^metadata\.session: Extra inputs are not permitted$/,
  },
  {
    name: 'thinking budget below 1024',
    body: { ...base, messages: [user], thinking: { type: 'enabled', budget_tokens: 500 } },
    message: /^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024$/,
  },
  {
    name: 'max_tokens not above the thinking budget',
    body: { ...base, max_tokens: 1024, messages: [user], ...thinking },
    message: /^`max_tokens` must be greater than `thinking\.budget_tokens`/,
  },
  {
    name: 'temperature with thinking',
    body: { ...base, messages: [user], ...thinking, temperature: 0.5 },
    message: /^`temperature` may only be set to 1 when thinking is enabled/,
  },
  { name: 'top_k with thinking', body: { ...base, messages: [user], ...thinking, top_k: 5 }, message: /^`top_k` must be unset when thinking is enabled/ },
  {
    name: 'forced tool_choice any with thinking',
    body: { ...base, messages: [user], ...thinking, tools: [weather], tool_choice: { type: 'any' } },
    message: /^Thinking may not be enabled when tool_choice forces tool use\.$/,
  },
  {
    name: 'forced tool_choice tool with adaptive thinking',
    body: { ...base, messages: [user], thinking: { type: 'adaptive' }, tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } },
    message: /forces tool use/,
  },
  {
    name: 'thinking tool loop without the thinking block',
    body: {
      ...base,
      ...thinking,
      tools: [weather],
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'text', text: 'checking' }, toolUse('toolu_1')] },
        { role: 'user', content: [toolResult('toolu_1')] },
      ],
    },
    message:
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`\. When `thinking` is enabled, a final `assistant` message must start with a thinking block/,
  },
  {
    name: 'forged thinking signature',
    body: {
      ...base,
      tools: [weather],
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'I should run echo.', signature: 'SIG_MOCK_123' }, toolUse('toolu_1')] },
        { role: 'user', content: [toolResult('toolu_1')] },
      ],
    },
    message: /^messages\.1\.content\.0: Invalid `signature` in `thinking` block$/,
  },
  {
    name: 'forged redacted_thinking data',
    body: {
      ...base,
      messages: [
        user,
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'EqkECkYIBxgCKkA8' },
            { type: 'text', text: 'ok' },
          ],
        },
        user,
      ],
    },
    message: /Invalid `data` in `redacted_thinking` block/,
  },
  {
    name: 'assistant prefill with thinking',
    body: { ...base, ...thinking, messages: [user, { role: 'assistant', content: 'The answer is' }] },
    message: /^This model does not support assistant message prefill\. The conversation must end with a user message\.$/,
  },
];

describe('Anthropic emulator strictness', () => {
  let emulator: AnthropicEmulator;
  before(async () => {
    emulator = await startAnthropicEmulator({ respond: () => textReply('ok') });
  });
  after(() => emulator.close());

  for (const entry of cases) {
    test(`rejects: ${entry.name}`, async () => {
      const result = await postJson(`${emulator.url}/v1/messages`, entry.body, headers);
      assert.equal(result.status, entry.status ?? 400);
      assert.deepEqual(Object.keys(result.json).sort(), ['error', 'request_id', 'type']);
      assert.equal(result.json.type, 'error');
      assert.equal(result.json.error.type, entry.type ?? 'invalid_request_error');
      assert.match(result.json.error.message, entry.message);
      assert.match(result.json.request_id, /^req_011C/);
      assert.equal(result.headers.get('request-id'), result.json.request_id);
    });
  }

  test('authentication and version headers are enforced', async () => {
    const body = { ...base, messages: [user] };
    const missingKey = await postJson(`${emulator.url}/v1/messages`, body, { 'anthropic-version': '2023-06-01' });
    assert.equal(missingKey.status, 401);
    assert.equal(missingKey.json.error.type, 'authentication_error');
    const wrongKey = await postJson(`${emulator.url}/v1/messages`, body, { ...headers, 'x-api-key': 'sk-ant-wrong' });
    assert.equal(wrongKey.status, 401);
    assert.equal(wrongKey.json.error.message, 'invalid x-api-key');
    const bearerOnly = await postJson(`${emulator.url}/v1/messages`, body, { authorization: 'Bearer sk-ant-upstream-test', 'anthropic-version': '2023-06-01' });
    assert.equal(bearerOnly.status, 401);
    const noVersion = await postJson(`${emulator.url}/v1/messages`, body, { 'x-api-key': 'sk-ant-upstream-test' });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.json.error.message, 'anthropic-version: header is required');
  });

  test('malformed JSON gets 400 and unknown routes 404 not_found_error', async () => {
    const malformed = await postJson(`${emulator.url}/v1/messages`, '{"model"', headers);
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error.type, 'invalid_request_error');
    const route = await postJson(`${emulator.url}/v1/complete`, {}, headers);
    assert.equal(route.status, 404);
    assert.equal(route.json.error.type, 'not_found_error');
  });

  test('valid requests pass: server web_search tool, parallel tool results, cache_control, thinking off', async () => {
    const body = {
      ...base,
      system: [{ type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } }],
      tools: [weather, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'text', text: 'Checking both.' }, toolUse('toolu_a'), toolUse('toolu_b')] },
        { role: 'user', content: [toolResult('toolu_b'), { ...toolResult('toolu_a'), is_error: true }, { type: 'text', text: 'thanks' }] },
      ],
    };
    const result = await postJson(`${emulator.url}/v1/messages`, body, headers);
    assert.equal(result.status, 200, result.text);
    assert.equal(result.json.content[0].text, 'ok');
  });

  test('a captured Claude Code request (adaptive thinking, system turn under its beta) is accepted', async () => {
    const captured = clientFixture('claude-code', 'default', '002-POST_v1_messages_beta_true.json');
    const betaHeaders = { ...headers, 'anthropic-beta': captured.headers['anthropic-beta'] };
    const accepted = await postJson(`${emulator.url}/v1/messages?beta=true`, captured.body, betaHeaders);
    assert.equal(accepted.status, 200, accepted.text);
    const withoutBeta = await postJson(`${emulator.url}/v1/messages?beta=true`, captured.body, headers);
    assert.equal(withoutBeta.status, 400);
    assert.match(withoutBeta.json.error.message, /role: Input should be 'user' or 'assistant'/);
  });

  test('count_tokens estimates chars/4, rejects max_tokens, and does not consume the scenario queue', async () => {
    const queued = await startAnthropicEmulator({ respond: [textReply('only one')] });
    try {
      const body = { model: 'claude', messages: [{ role: 'user', content: 'x'.repeat(400) }] };
      const counted = await postJson(`${queued.url}/v1/messages/count_tokens`, body, headers);
      assert.equal(counted.status, 200);
      assert.ok(counted.json.input_tokens >= 100 && counted.json.input_tokens < 130, String(counted.json.input_tokens));
      const withMax = await postJson(`${queued.url}/v1/messages/count_tokens`, { ...body, max_tokens: 5 }, headers);
      assert.equal(withMax.status, 400);
      assert.equal(withMax.json.error.message, 'max_tokens: Extra inputs are not permitted');
      const message = await postJson(`${queued.url}/v1/messages`, { ...body, max_tokens: 5 }, headers);
      assert.equal(message.json.content[0].text, 'only one');
    } finally {
      await queued.close();
    }
  });

  test('knownModels answers other models like the recorded 404', async () => {
    const strict = await startAnthropicEmulator({ respond: [], knownModels: ['claude-sonnet-4-5'] });
    try {
      const result = await postJson(`${strict.url}/v1/messages`, { ...base, model: 'claude-does-not-exist', messages: [user] }, headers);
      const recorded = JSON.parse(providerFixtureText('anthropic-messages', 'error-404-not-found.json'));
      assert.equal(result.status, 404);
      assert.deepEqual({ ...result.json, request_id: 'x' }, { ...recorded, request_id: 'x' });
    } finally {
      await strict.close();
    }
  });
});
