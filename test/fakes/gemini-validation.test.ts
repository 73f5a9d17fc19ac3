// Proves the Gemini emulator rejects what the Gemini API rejects — with the status, the Google
// envelope and the message family of the live API — and accepts the valid variants next to them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGeminiEmulator, type GeminiEmulator } from './gemini-emulator.ts';
import { postJson } from './post-json.ts';
import { textReply } from './scenario.ts';
import { encodedRequestContext, validateGeminiRequest } from './gemini-request-validator.ts';

const key = { 'x-goog-api-key': 'gemini-upstream-test' };
const user = { role: 'user', parts: [{ text: 'hi' }] };
const declare = (declaration: Record<string, unknown>) => ({ contents: [user], tools: [{ functionDeclarations: [declaration] }] });
const withSchema = (parameters: unknown) => declare({ name: 'f', parameters });
const call = (name: string) => ({ functionCall: { name, args: {} }, thoughtSignature: 'skip_thought_signature_validator' });
const reply = (name: string, response: unknown = { output: 'ok' }) => ({ functionResponse: { name, response } });
const thinking = (config: Record<string, unknown>) => ({ contents: [user], generationConfig: { thinkingConfig: config } });
const loop = (calls: string[], replies: unknown[]) => ({
  contents: [user, { role: 'model', parts: calls.map(call) }, { role: 'user', parts: replies }],
  tools: [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }] }],
});
const payload = (name: string, at: string) => `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`;

type Case = { name: string; body: unknown; model?: string; message: string | RegExp; fields?: string[] };

const cases: Case[] = [
  {
    name: 'unknown top-level field',
    body: { contents: [user], messages: [] },
    message: 'Invalid JSON payload received. Unknown name "messages": Cannot find field.',
  },
  { name: 'missing contents', body: {}, message: '* GenerateContentRequest.contents: contents is not specified\n' },
  { name: 'empty contents', body: { contents: [] }, message: '* GenerateContentRequest.contents: contents is not specified\n' },
  {
    name: 'empty parts',
    body: { contents: [{ role: 'user', parts: [] }] },
    message: '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n',
  },
  {
    name: 'part without data',
    body: { contents: [{ role: 'user', parts: [{ thought: true }] }] },
    message: "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
  },
  {
    name: 'part with two data fields',
    body: { contents: [{ role: 'user', parts: [{ text: 'x', inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }] },
    message: /^Invalid JSON payload received\. Oneof field 'data' is already set\. Cannot set 'inlineData'$/,
  },
  {
    name: 'OpenAI-style content part',
    body: { contents: [{ role: 'user', parts: [{ type: 'text', text: 'x' }] }] },
    message: payload('type', 'contents[0].parts[0]'),
  },
  {
    name: 'text that is not a string',
    body: { contents: [{ role: 'user', parts: [{ text: 5 }] }] },
    message: "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5",
  },
  { name: 'role assistant', body: { contents: [user, { role: 'assistant', parts: [{ text: 'x' }] }] }, message: 'Please use a valid role: user, model.' },
  { name: 'role system', body: { contents: [{ role: 'system', parts: [{ text: 'x' }] }, user] }, message: 'Please use a valid role: user, model.' },
  {
    name: 'role function (Gemini 1.0 style tool turn)',
    body: { contents: [user, { role: 'model', parts: [call('a')] }, { role: 'function', parts: [reply('a')] }] },
    message: 'Please use a valid role: user, model.',
  },
  { name: 'a JSON array body', body: [user], message: 'Invalid JSON payload received. Root element must be a message.' },
  {
    name: 'additionalProperties in parameters',
    body: withSchema({ type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false }),
    message: payload('additionalProperties', 'tools[0].function_declarations[0].parameters'),
    fields: ['tools[0].function_declarations[0].parameters'],
  },
  {
    name: '$schema and $ref in parameters',
    body: withSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { x: { $ref: '#/$defs/x' } } }),
    message: `${payload('$schema', 'tools[0].function_declarations[0].parameters')}\n${payload('$ref', 'tools[0].function_declarations[0].parameters.properties[0].value')}`,
  },
  {
    name: 'const inside anyOf items',
    body: withSchema({ type: 'object', properties: { mode: { type: 'array', items: { anyOf: [{ type: 'string', const: 'a' }] } } } }),
    message: payload('const', 'tools[0].function_declarations[0].parameters.properties[0].value.items.any_of[0]'),
  },
  {
    name: 'JSON Schema type list',
    body: withSchema({ type: 'object', properties: { x: { type: ['string', 'null'] } } }),
    message: `Invalid JSON payload received. Unknown name "type" at 'tools[0].function_declarations[0].parameters.properties[0].value': Proto field is not repeating, cannot start list.`,
  },
  {
    name: 'unknown schema type',
    body: withSchema({ type: 'object', properties: { x: { type: 'text' } } }),
    message: `Invalid value at 'tools[0].function_declarations[0].parameters.properties[0].value.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "text"`,
  },
  { name: 'OpenAI strict flag on a declaration', body: declare({ name: 'f', strict: true }), message: payload('strict', 'tools[0].function_declarations[0]') },
  {
    name: 'OpenAI-style tool',
    body: { contents: [user], tools: [{ type: 'function', function: { name: 'f' } }] },
    message: `${payload('type', 'tools[0]')}\n${payload('function', 'tools[0]')}`,
  },
  {
    name: 'parameters and parametersJsonSchema together',
    body: declare({ name: 'f', parameters: { type: 'object', properties: { x: { type: 'string' } } }, parametersJsonSchema: { type: 'object' } }),
    message: /^\* GenerateContentRequest\.tools\[0\]\.function_declarations\[0\]\.parameters: parameters and parameters_json_schema are mutually exclusive/,
  },
  {
    name: 'OBJECT parameters without properties',
    body: withSchema({ type: 'object', properties: {} }),
    message: '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type\n',
  },
  ...['1tool', 'has space', 'a'.repeat(65), 'ünïcode'].map((name) => ({
    name: `function name '${name.slice(0, 12)}'`,
    body: declare({ name }),
    message:
      '* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n',
  })),
  {
    name: 'functionResponse.response as a string',
    body: loop(['a'], [reply('a', 'sunny')]),
    message: `Invalid value at 'contents[2].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "sunny"`,
  },
  {
    name: 'functionResponse.response as a list',
    body: loop(['a'], [reply('a', ['sunny'])]),
    message: `Invalid JSON payload received. Unknown name "response" at 'contents[2].parts[0].function_response': Proto field is not repeating, cannot start list.`,
  },
  {
    name: 'functionCall without a name',
    body: { contents: [user, { role: 'model', parts: [{ functionCall: { args: {} } }] }] },
    message: '* GenerateContentRequest.contents[1].parts[0].function_call.name: Name cannot be empty.\n',
  },
  {
    name: 'fewer responses than calls',
    body: loop(['a', 'b'], [reply('a')]),
    message: 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
  },
  {
    name: 'calls answered by text',
    body: { ...loop(['a'], []), contents: [user, { role: 'model', parts: [call('a')] }, user] },
    message: 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
  },
  {
    name: 'responses in the wrong order',
    body: loop(['a', 'b'], [reply('b'), reply('a')]),
    message: /^Please ensure that the function response parts have the same names and order as the function call parts/,
  },
  {
    name: 'response without a preceding call',
    body: { contents: [user, { role: 'model', parts: [{ text: 'ok' }] }, { role: 'user', parts: [reply('a')] }] },
    message: 'Please ensure that function response turn comes immediately after a function call turn.',
  },
  {
    name: 'call turn after a model turn',
    body: { contents: [user, { role: 'model', parts: [{ text: 'ok' }] }, { role: 'model', parts: [call('a')] }] },
    message: 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
  },
  {
    name: 'thoughtSignature that is not base64',
    body: { contents: [user, { role: 'model', parts: [{ text: 'x', thoughtSignature: 'not base64!' }] }, user] },
    message: `Invalid value at 'contents[1].parts[0].thought_signature' (TYPE_BYTES), Base64 decoding failed for "not base64!"`,
  },
  {
    name: 'thinkingLevel on Gemini 2.5',
    model: 'gemini-2.5-flash',
    body: thinking({ thinkingLevel: 'high' }),
    message: 'Thinking level is not supported for this model.',
  },
  {
    name: 'thinkingLevel MINIMAL on a Pro model',
    model: 'gemini-3.1-pro-preview',
    body: thinking({ thinkingLevel: 'MINIMAL' }),
    message: 'Thinking level MINIMAL is not supported for this model.',
  },
  {
    name: 'thinkingLevel MEDIUM on gemini-3-pro',
    model: 'gemini-3-pro-preview',
    body: thinking({ thinkingLevel: 'medium' }),
    message: 'Thinking level MEDIUM is not supported for this model.',
  },
  {
    name: 'unknown thinkingLevel',
    body: thinking({ thinkingLevel: 'EXTREME' }),
    message: `Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "EXTREME"`,
  },
  {
    name: 'budget and level together',
    body: thinking({ thinkingBudget: 1024, thinkingLevel: 'low' }),
    message: 'You can only set only one of thinking budget and thinking level.',
  },
  {
    name: 'budget 0 on 2.5 Pro',
    model: 'gemini-2.5-pro',
    body: thinking({ thinkingBudget: 0 }),
    message: 'Budget 0 is invalid. This model only works in thinking mode.',
  },
  {
    name: 'budget above the flash range',
    model: 'gemini-2.5-flash',
    body: thinking({ thinkingBudget: 52428 }),
    message: 'The thinking budget (52428) is invalid.',
  },
  {
    name: 'budget below the flash-lite range',
    model: 'gemini-2.5-flash-lite',
    body: thinking({ thinkingBudget: 100 }),
    message: 'The thinking budget (100) is invalid.',
  },
  {
    name: 'unknown generationConfig field',
    body: { contents: [user], generationConfig: { max_tokens: 5 } },
    message: payload('max_tokens', 'generation_config'),
  },
];

describe('Gemini emulator strictness', () => {
  let emulator: GeminiEmulator;
  let base: string;
  before(async () => {
    emulator = await startGeminiEmulator({ respond: () => textReply('ok') });
    base = `${emulator.url}/v1beta/models`;
  });
  after(() => emulator.close());

  for (const entry of cases) {
    test(`rejects: ${entry.name}`, async () => {
      const result = await postJson(`${base}/${entry.model ?? 'gemini-3-flash-preview'}:generateContent`, entry.body, key);
      assert.equal(result.status, 400, result.text);
      assert.equal(result.json.error.code, 400);
      assert.equal(result.json.error.status, 'INVALID_ARGUMENT');
      if (typeof entry.message === 'string') assert.equal(result.json.error.message, entry.message);
      else assert.match(result.json.error.message, entry.message);
      const payloadError = result.json.error.message.startsWith('Invalid');
      assert.deepEqual(Object.keys(result.json.error), ['code', 'message', 'status', ...(payloadError ? ['details'] : [])]);
      if (entry.fields)
        assert.deepEqual(
          result.json.error.details[0].fieldViolations.map((violation: any) => violation.field),
          entry.fields,
        );
    });
  }

  test('authentication: no key 403, wrong key 400 API_KEY_INVALID, a bearer token 401, ?key= works', async () => {
    const body = { contents: [user] };
    const url = `${base}/gemini-3-flash-preview:generateContent`;
    const none = await postJson(url, body);
    assert.equal(none.status, 403);
    assert.equal(none.json.error.status, 'PERMISSION_DENIED');
    const wrong = await postJson(url, body, { 'x-goog-api-key': 'nope' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error.message, 'API key not valid. Please pass a valid API key.');
    assert.equal(wrong.json.error.details[0].reason, 'API_KEY_INVALID');
    const bearer = await postJson(url, body, { authorization: 'Bearer gemini-upstream-test' });
    assert.equal(bearer.status, 401);
    assert.equal(bearer.json.error.status, 'UNAUTHENTICATED');
    const query = await postJson(`${url}?key=gemini-upstream-test`, body);
    assert.equal(query.status, 200, query.text);
  });

  test('malformed JSON and unknown routes', async () => {
    const malformed = await postJson(`${base}/gemini-3-flash-preview:generateContent`, '{"contents": [', key);
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error.message, /^Invalid JSON payload received\./);
    const route = await postJson(`${base}/gemini-3-flash-preview:embedContent`, { contents: [user] }, key);
    assert.equal(route.status, 404);
    assert.equal(route.json.error.status, 'NOT_FOUND');
  });

  test('valid variants pass: snake_case fields, parametersJsonSchema with real JSON Schema, dotted names, lower-case types and levels', async () => {
    const bodies = [
      {
        contents: [user],
        tools: [
          {
            function_declarations: [
              {
                name: 'mcp.fs:read_file-v2',
                parameters_json_schema: {
                  $schema: 'x',
                  type: 'object',
                  additionalProperties: false,
                  properties: { p: { const: 'a', type: ['string', 'null'] } },
                },
              },
            ],
          },
        ],
      },
      { contents: { role: 'user', parts: { text: 'a single Content instead of a list is accepted by proto JSON' } } },
      {
        ...withSchema({
          type: 'object',
          properties: {
            x: { type: 'string', enum: ['a'], nullable: true, description: 'd', format: 'enum', title: 'X', default: 'a' },
            y: { type: 'array', items: { anyOf: [{ type: 'integer', minimum: 0 }] } },
          },
          required: ['x'],
          propertyOrdering: ['x', 'y'],
        }),
      },
      { ...thinking({ thinkingLevel: 'high', includeThoughts: true }), systemInstruction: { role: 'user', parts: [{ text: 'sys' }] } },
      { ...thinking({ thinkingBudget: -1 }) },
      {
        contents: [{ parts: [{ text: 'a content without role counts as user' }] }],
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        toolConfig: { functionCallingConfig: { mode: 'auto' } },
      },
      loop(['a', 'b'], [reply('a'), { functionResponse: { id: 'x', name: 'b', response: { error: 'failed' } } }]),
      { contents: [user, { role: 'model', parts: [{ text: '' }, { text: 'thinking', thought: true }] }, user, user] },
    ];
    for (const [index, body] of bodies.entries()) {
      const result = await postJson(`${base}/gemini-3-flash-preview:generateContent`, body, key);
      assert.equal(result.status, 200, `body #${index}: ${result.text}`);
    }
    const budget = await postJson(`${base}/gemini-2.5-flash-lite:generateContent`, thinking({ thinkingBudget: 512 }), key);
    assert.equal(budget.status, 200, budget.text);
  });

  test('countTokens validates contents the same way (but not signatures)', async () => {
    const rejected = await postJson(`${base}/gemini-3-flash-preview:countTokens`, { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, key);
    assert.equal(rejected.status, 400);
    assert.equal(rejected.json.error.message, 'Please use a valid role: user, model.');
    const unsigned = loop(['a'], [reply('a')]);
    delete (unsigned.contents[1] as any).parts[0].thoughtSignature;
    const accepted = await postJson(
      `${base}/gemini-3-flash-preview:countTokens`,
      { generateContentRequest: { model: 'models/gemini-3-flash-preview', ...unsigned } },
      key,
    );
    assert.equal(accepted.status, 200, accepted.text);
  });
});

describe('with gatewayShape (codec tests) the validator also checks what the encoder promises', () => {
  const user = { role: 'user', parts: [{ text: 'hi' }] };
  const call = (signature?: string) => ({
    role: 'model',
    parts: [{ functionCall: { name: 'read', args: {} }, ...(signature ? { thoughtSignature: signature } : {}) }],
  });
  const answer = { role: 'user', parts: [{ functionResponse: { name: 'read', response: { ok: true } } }] };
  const tools = [{ functionDeclarations: [{ name: 'read', parametersJsonSchema: { type: 'object' } }] }];
  const done = { role: 'model', parts: [{ text: 'done' }] };
  const valid = { contents: [user, call('c2ln'), answer, done, user, call('c2ln'), answer], tools };
  const faults: Array<[string, Record<string, unknown>, RegExp]> = [
    ['model in the body', { model: 'gemini-3-pro-preview' }, /model belongs in the URL/],
    ['stream field (the API refuses it too)', { stream: true }, /"stream"/],
    ['consecutive user contents', { contents: [user, user] }, /same role/],
    [
      'an earlier tool-loop turn without a signature',
      { contents: [user, call(), answer, done, user, call('c2ln'), answer] },
      /first functionCall has no thoughtSignature/,
    ],
    [
      '$schema in a declaration',
      { tools: [{ functionDeclarations: [{ name: 'read', parametersJsonSchema: { type: 'object', $schema: 'x' } }] }] },
      /\$schema is rejected/,
    ],
    ['six stop sequences', { generationConfig: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } }, /at most 5 stop sequences/],
  ];
  test('the valid body passes, and passes the emulator without gatewayShape', () => {
    assert.equal(validateGeminiRequest(valid, encodedRequestContext()), undefined);
    assert.equal(validateGeminiRequest({ ...valid, contents: [user, user] }, { ...encodedRequestContext(), gatewayShape: false }), undefined);
  });
  for (const [name, change, expected] of faults) {
    test(name, () => assert.match(validateGeminiRequest({ ...valid, ...change }, encodedRequestContext())?.message ?? 'accepted', expected));
  }
});
