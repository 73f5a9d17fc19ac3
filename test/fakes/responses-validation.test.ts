// Proves the Responses emulator rejects what OpenAI rejects (status + exact error envelope)
// and accepts valid requests, including real Codex request bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from './post-json.ts';
import { startResponsesEmulator, type ResponsesEmulator } from './responses-emulator.ts';
import { textReply } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';
import { clientFixture } from '../support/client-fixtures.ts';

const auth = { authorization: 'Bearer sk-upstream-test' };
const user = { role: 'user', content: 'hi' };
const functionTool = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  name,
  parameters: { type: 'object', properties: {} },
  ...extra,
});

function readFixture(name: string): any {
  return JSON.parse(providerFixtureText('openai-responses', name));
}

type Case = { name: string; body: Record<string, unknown>; status: number; param?: string | null; code?: string | null; message: RegExp };

const cases: Case[] = [
  {
    name: 'unknown field on an input item',
    body: { model: 'gpt-5', input: [{ role: 'user', content: 'hi', parsed: null }] },
    status: 400,
    param: 'input[0].parsed',
    code: 'unknown_parameter',
    message: /^Unknown parameter: 'input\[0\]\.parsed'\.$/,
  },
  {
    name: 'unknown field on a function_call_output',
    body: {
      model: 'gpt-5',
      input: [
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'x', is_error: true },
      ],
    },
    status: 400,
    param: 'input[1].is_error',
    code: 'unknown_parameter',
    message: /^Unknown parameter: 'input\[1\]\.is_error'\.$/,
  },
  {
    name: 'unknown top-level parameter',
    body: { model: 'gpt-5', input: 'hi', max_tokens: 10 },
    status: 400,
    param: 'max_tokens',
    code: 'unknown_parameter',
    message: /^Unknown parameter: 'max_tokens'\.$/,
  },
  {
    name: 'missing model',
    body: { input: 'hi' },
    status: 400,
    param: 'model',
    code: 'missing_required_parameter',
    message: /Missing required parameter: 'model'/,
  },
  { name: 'missing input', body: { model: 'gpt-5' }, status: 400, param: 'input', code: 'missing_required_parameter', message: /'input'/ },
  {
    name: 'input is an object',
    body: { model: 'gpt-5', input: { role: 'user' } },
    status: 400,
    param: 'input',
    code: 'invalid_type',
    message: /expected one of a string or array of input items, but got an object/,
  },
  {
    name: 'unknown item type',
    body: { model: 'gpt-5', input: [{ type: 'tool_result', content: 'x' }] },
    status: 400,
    param: 'input[0].type',
    code: 'invalid_value',
    message: /Invalid value: 'tool_result'\. Supported values are: 'message'/,
  },
  {
    name: 'message role tool',
    body: { model: 'gpt-5', input: [{ role: 'tool', content: 'x' }] },
    status: 400,
    param: 'input[0].role',
    code: 'invalid_value',
    message: /Supported values are: 'assistant', 'system', 'developer', and 'user'\./,
  },
  {
    name: 'assistant message with input_text',
    body: { model: 'gpt-5', input: [user, { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] },
    status: 400,
    param: 'input[1].content[0].type',
    code: 'invalid_value',
    message: /Supported values are: 'output_text' and 'refusal'\./,
  },
  {
    name: 'user message with output_text',
    body: { model: 'gpt-5', input: [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }] },
    status: 400,
    param: 'input[0].content[0].type',
    code: 'invalid_value',
    message: /'input_text', 'input_image', and 'input_file'/,
  },
  {
    name: 'function_call without call_id',
    body: { model: 'gpt-5', input: [user, { type: 'function_call', name: 'f', arguments: '{}' }] },
    status: 400,
    param: 'input[1].call_id',
    code: 'missing_required_parameter',
    message: /input\[1\]\.call_id/,
  },
  {
    name: 'function_call arguments as object',
    body: { model: 'gpt-5', input: [user, { type: 'function_call', call_id: 'call_1', name: 'f', arguments: {} }] },
    status: 400,
    param: 'input[1].arguments',
    code: 'invalid_type',
    message: /expected a string, but got an object/,
  },
  {
    name: 'function_call_output without output',
    body: {
      model: 'gpt-5',
      input: [user, { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'call_1' }],
    },
    status: 400,
    param: 'input[2].output',
    code: 'missing_required_parameter',
    message: /output/,
  },
  {
    name: 'custom_tool_call without input',
    body: { model: 'gpt-5', input: [user, { type: 'custom_tool_call', call_id: 'call_c', name: 'apply_patch' }] },
    status: 400,
    param: 'input[1].input',
    code: 'missing_required_parameter',
    message: /input\[1\]\.input/,
  },
  {
    name: 'function_call never answered',
    body: { model: 'gpt-5', input: [user, { type: 'function_call', call_id: 'call_x', name: 'f', arguments: '{}' }] },
    status: 400,
    param: 'input',
    code: null,
    message: /^No tool output found for function call call_x\.$/,
  },
  {
    name: 'output answering nothing',
    body: { model: 'gpt-5', input: [user, { type: 'function_call_output', call_id: 'call_9', output: 'ok' }] },
    status: 400,
    param: 'input',
    code: null,
    message: /^No tool call found for function call output with call_id call_9\.$/,
  },
  {
    name: 'output placed before its call',
    body: {
      model: 'gpt-5',
      input: [
        user,
        { type: 'function_call_output', call_id: 'call_2', output: 'ok' },
        { type: 'function_call', call_id: 'call_2', name: 'f', arguments: '{}' },
      ],
    },
    status: 400,
    param: 'input',
    code: null,
    message: /No tool/,
  },
  {
    name: 'custom_tool_call never answered',
    body: { model: 'gpt-5', input: [user, { type: 'custom_tool_call', call_id: 'call_c', name: 'apply_patch', input: 'x' }] },
    status: 400,
    param: 'input',
    code: null,
    message: /^No tool output found for custom tool call call_c\.$/,
  },
  {
    name: 'forged encrypted_content',
    body: { model: 'gpt-5', input: [user, { type: 'reasoning', summary: [], encrypted_content: 'gAAAAforgedblobDQ==' }] },
    status: 400,
    param: null,
    code: 'invalid_encrypted_content',
    message: /^The encrypted content gAAA\.\.\.DQ== could not be verified\.$/,
  },
  {
    name: 'gateway envelope sent to OpenAI',
    body: { model: 'gpt-5', input: [user, { type: 'reasoning', summary: [], encrypted_content: 'gw1.eyJwIjoiYW50aHJvcGljIn0' }] },
    status: 400,
    param: null,
    code: 'invalid_encrypted_content',
    message: /could not be verified/,
  },
  {
    name: 'reasoning item without summary',
    body: { model: 'gpt-5', input: [user, { type: 'reasoning', encrypted_content: null }] },
    status: 400,
    param: 'input[1].summary',
    code: 'missing_required_parameter',
    message: /summary/,
  },
  {
    name: 'unknown reasoning id with store false',
    body: { model: 'gpt-5', store: false, input: [user, { type: 'reasoning', id: 'rs_unknown', summary: [] }] },
    status: 404,
    param: 'input',
    code: null,
    message: /Item with id 'rs_unknown' not found\. Items are not persisted when `store` is set to false/,
  },
  {
    name: 'function tool name with a dot',
    body: { model: 'gpt-5', input: 'hi', tools: [functionTool('mcp.read')] },
    status: 400,
    param: 'tools[0].name',
    code: 'invalid_value',
    message: /string does not match pattern\. Expected a string that matches the pattern '\^\[a-zA-Z0-9_-\]\+\$'\./,
  },
  {
    name: 'function tool name of 65 characters',
    body: { model: 'gpt-5', input: 'hi', tools: [functionTool('a'.repeat(65))] },
    status: 400,
    param: 'tools[0].name',
    code: 'string_above_max_length',
    message: /maximum length 64, but got a string with length 65/,
  },
  {
    name: 'function tool without parameters',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'function', name: 'f' }] },
    status: 400,
    param: 'tools[0].parameters',
    code: 'missing_required_parameter',
    message: /parameters/,
  },
  {
    name: 'function parameters as string',
    body: { model: 'gpt-5', input: 'hi', tools: [functionTool('f', { parameters: '{}' })] },
    status: 400,
    param: 'tools[0].parameters',
    code: 'invalid_type',
    message: /expected an object, but got a string/,
  },
  {
    name: 'strict schema not closed',
    body: {
      model: 'gpt-5',
      input: 'hi',
      tools: [functionTool('f', { strict: true, parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } })],
    },
    status: 400,
    param: 'tools[0].parameters',
    code: 'invalid_function_parameters',
    message: /'additionalProperties' is required to be supplied and to be false/,
  },
  {
    name: 'strict schema missing a required key',
    body: {
      model: 'gpt-5',
      input: 'hi',
      tools: [functionTool('f', { strict: true, parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } })],
    },
    status: 400,
    param: 'tools[0].parameters',
    code: 'invalid_function_parameters',
    message: /Missing 'a'/,
  },
  {
    name: 'custom tool without name',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'custom' }] },
    status: 400,
    param: 'tools[0].name',
    code: 'missing_required_parameter',
    message: /tools\[0\]\.name/,
  },
  {
    name: 'custom tool with bad format',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'custom', name: 'apply_patch', format: { type: 'json' } }] },
    status: 400,
    param: 'tools[0].format.type',
    code: 'invalid_value',
    message: /'text' and 'grammar'/,
  },
  {
    name: 'namespace without tools',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'namespace', name: 'ns', description: 'd' }] },
    status: 400,
    param: 'tools[0].tools',
    code: 'missing_required_parameter',
    message: /tools\[0\]\.tools/,
  },
  {
    name: 'namespace with invalid inner name',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [functionTool('bad name')] }] },
    status: 400,
    param: 'tools[0].tools[0].name',
    code: 'invalid_value',
    message: /does not match pattern/,
  },
  {
    name: 'unknown tool type',
    body: { model: 'gpt-5', input: 'hi', tools: [{ type: 'retrieval' }] },
    status: 400,
    param: 'tools[0].type',
    code: 'invalid_value',
    message: /Invalid value: 'retrieval'/,
  },
  {
    name: 'temperature above 2',
    body: { model: 'gpt-5', input: 'hi', temperature: 3 },
    status: 400,
    param: 'temperature',
    code: 'decimal_above_max_value',
    message: /Expected a value <= 2, but got 3 instead\./,
  },
  { name: 'top_p above 1', body: { model: 'gpt-5', input: 'hi', top_p: 1.5 }, status: 400, param: 'top_p', code: 'decimal_above_max_value', message: /top_p/ },
  {
    name: 'max_output_tokens below 16',
    body: { model: 'gpt-5', input: 'hi', max_output_tokens: 5 },
    status: 400,
    param: 'max_output_tokens',
    code: 'integer_below_min_value',
    message: /Expected a value >= 16, but got 5/,
  },
  {
    name: 'unknown include value',
    body: { model: 'gpt-5', input: 'hi', include: ['reasoning.summary'] },
    status: 400,
    param: 'include[0]',
    code: 'invalid_value',
    message: /'reasoning\.encrypted_content'/,
  },
  {
    name: 'unknown reasoning effort',
    body: { model: 'gpt-5', input: 'hi', reasoning: { effort: 'max' } },
    status: 400,
    param: 'reasoning.effort',
    code: 'invalid_value',
    message: /'xhigh'/,
  },
  {
    name: 'previous_response_id with store false',
    body: { model: 'gpt-5', input: 'hi', store: false, previous_response_id: 'resp_1' },
    status: 400,
    param: 'previous_response_id',
    code: null,
    message: /store/,
  },
  {
    name: 'unknown previous_response_id',
    body: { model: 'gpt-5', input: 'hi', previous_response_id: 'resp_nope' },
    status: 404,
    param: 'previous_response_id',
    code: 'previous_response_not_found',
    message: /Previous response with id 'resp_nope' not found\./,
  },
];

describe('Responses emulator strictness', () => {
  let emulator: ResponsesEmulator;
  before(async () => {
    emulator = await startResponsesEmulator({ respond: () => textReply('ok') });
  });
  after(() => emulator.close());

  for (const entry of cases) {
    test(`rejects: ${entry.name}`, async () => {
      const result = await postJson(`${emulator.url}/responses`, entry.body, auth);
      assert.equal(result.status, entry.status);
      assert.deepEqual(Object.keys(result.json.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(result.json.error.type, 'invalid_request_error');
      assert.equal(result.json.error.param, entry.param ?? null);
      assert.equal(result.json.error.code, entry.code ?? null);
      assert.match(result.json.error.message, entry.message);
      assert.match(result.headers.get('x-request-id') ?? '', /^req_/);
    });
  }

  test('temperature below 0 gives exactly the recorded OpenAI body', async () => {
    const result = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'hi', temperature: -1 }, auth);
    assert.equal(result.status, 400);
    assert.deepEqual(result.json, readFixture('error-400-invalid-param.json'));
  });

  test('missing and wrong bearer keys get 401, the wrong one with code invalid_api_key', async () => {
    const missing = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'hi' });
    assert.equal(missing.status, 401);
    assert.match(missing.json.error.message, /You didn't provide an API key/);
    const wrong = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'hi' }, { authorization: 'Bearer sk-wrong-key-1234' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'invalid_api_key');
    assert.match(wrong.json.error.message, /^Incorrect API key provided: sk-\*+1234\./);
  });

  test('malformed JSON and unknown routes are rejected', async () => {
    const malformed = await postJson(`${emulator.url}/responses`, '{"model":', auth);
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error.message, /could not parse the JSON body/);
    const route = await postJson(`${emulator.url}/chat/completions`, { model: 'gpt-5' }, auth);
    assert.equal(route.status, 404);
    assert.equal(route.json.error.message, 'Invalid URL (POST /v1/chat/completions)');
  });

  test('rejected requests are still recorded, with headers', async () => {
    const before = emulator.requests.length;
    await postJson(`${emulator.url}/responses`, { input: 'hi' }, { ...auth, 'x-trace': 'abc' });
    const recorded = emulator.requests[before];
    assert.ok(recorded);
    assert.equal(recorded.headers['x-trace'], 'abc');
    assert.deepEqual(recorded.body, { input: 'hi' });
  });

  for (const file of [
    'patch-gpt55/002-POST_v1_responses.json',
    'ns_present/002-POST_v1_responses.json',
    'toolsearch/002-POST_v1_responses.json',
    'gpt-6-sol/001-POST_v1_responses.json',
  ]) {
    test(`accepts the real Codex request ${file}`, async () => {
      const captured = clientFixture<{ body: Record<string, unknown> }>('codex', file);
      const result = await postJson(`${emulator.url}/responses`, { ...captured.body, stream: false }, auth);
      assert.equal(result.status, 200, result.text);
      assert.equal(result.json.status, 'completed');
    });
  }
});

describe('Responses emulator stored state and issued secrets', () => {
  test('encrypted_content it issued is accepted on replay; tool call pairs pass', async () => {
    const emulator = await startResponsesEmulator({
      respond: [{ reasoning: { text: 'plan' }, toolCalls: [{ name: 'shell', arguments: { cmd: 'ls' } }] }, textReply('done')],
    });
    try {
      const tools = [functionTool('shell')];
      const first = await postJson(
        `${emulator.url}/responses`,
        { model: 'gpt-5', input: [user], tools, store: false, include: ['reasoning.encrypted_content'] },
        auth,
      );
      assert.equal(first.status, 200);
      const [reasoning, call] = first.json.output;
      assert.match(reasoning.encrypted_content, /^gAAAA/);
      const replay = [user, reasoning, call, { type: 'function_call_output', call_id: call.call_id, output: 'file.txt' }];
      const second = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: replay, tools, store: false }, auth);
      assert.equal(second.status, 200, second.text);
      assert.equal(second.json.output[0].content[0].text, 'done');
    } finally {
      await emulator.close();
    }
  });

  test('with store true, a stored reasoning id and previous_response_id are accepted', async () => {
    const emulator = await startResponsesEmulator({ respond: [{ reasoning: { text: 'x' }, text: 'a' }, textReply('b'), textReply('c')] });
    try {
      const first = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'hi' }, auth);
      const reasoning = first.json.output[0];
      assert.equal(reasoning.encrypted_content, undefined, 'not included without include[]');
      const byId = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: [user, { type: 'reasoning', id: reasoning.id, summary: [] }] }, auth);
      assert.equal(byId.status, 200, byId.text);
      const chained = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'more', previous_response_id: first.json.id }, auth);
      assert.equal(chained.status, 200, chained.text);
    } finally {
      await emulator.close();
    }
  });

  test('knownModels turns other models into the recorded 400 model_not_found', async () => {
    const emulator = await startResponsesEmulator({ respond: [], knownModels: ['gpt-5'] });
    try {
      const result = await postJson(`${emulator.url}/responses`, { model: 'gpt-5.2-proo', input: 'hi' }, auth);
      assert.equal(result.status, 400);
      assert.deepEqual(result.json, readFixture('error-400-model-not-found.json'));
    } finally {
      await emulator.close();
    }
  });

  test('a scenario calling an undeclared tool fails loudly with 500', async () => {
    const emulator = await startResponsesEmulator({ respond: [{ toolCalls: [{ name: 'ghost', arguments: {} }] }] });
    try {
      const result = await postJson(`${emulator.url}/responses`, { model: 'gpt-5', input: 'hi' }, auth);
      assert.equal(result.status, 500);
      assert.match(result.json.error.message, /tool 'ghost' that the request did not declare/);
    } finally {
      await emulator.close();
    }
  });
});
