// Proves the Chat Completions emulator rejects what a strict OpenAI-compatible server (vLLM/Ollama
// behind a strict chat template) rejects — status, OpenAI envelope, message, param, code — per
// flavor, and accepts the valid variants next to each rule.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatEmulator, type ChatEmulator } from './chat-emulator.ts';
import type { ChatFlavor } from './chat-error.ts';
import { postJson } from './post-json.ts';
import { textReply } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const auth = { authorization: 'Bearer sk-chat-upstream-test' };
const user = { role: 'user', content: 'hi' };
const base = { model: 'test-model' };
const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: {} }, ...extra },
});
const assistantCalls = (...ids: string[]) => ({
  role: 'assistant',
  content: null,
  tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'shell', arguments: '{}' } })),
});
const toolReply = (id: string) => ({ role: 'tool', tool_call_id: id, content: 'ok' });
const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } };
const withTools = (messages: unknown[]) => ({ ...base, tools: [fn('shell')], messages });

type Case = { name: string; body: unknown; status?: number; message: string | RegExp; param?: string | null; code?: string | null };

const cases: Case[] = [
  { name: 'missing model', body: { messages: [user] }, message: 'you must provide a model parameter', param: null },
  { name: 'missing messages', body: { ...base }, message: "Missing required parameter: 'messages'.", param: 'messages', code: 'missing_required_parameter' },
  { name: 'empty messages', body: { ...base, messages: [] }, message: "[] is too short - 'messages'", param: 'messages' },
  { name: 'unknown argument (OpenAI refuses it)', body: { ...base, messages: [user], input: 'hi' }, message: 'Unrecognized request argument supplied: input' },
  {
    name: 'developer role',
    body: { ...base, messages: [{ role: 'developer', content: 'x' }, user] },
    message: "Unexpected message role: 'developer'. Supported roles are system, user, assistant and tool.",
    param: 'messages[0].role',
    code: 'invalid_value',
  },
  {
    name: 'function role',
    body: { ...base, messages: [user, { role: 'function', name: 'f', content: 'x' }] },
    message: /^Unexpected message role: 'function'/,
  },
  {
    name: 'system message after the first message',
    body: { ...base, messages: [user, { role: 'system', content: 'late' }] },
    message: 'System message must be at the beginning.',
    param: 'messages[1].role',
  },
  {
    name: 'second system message',
    body: { ...base, messages: [{ role: 'system', content: 'a' }, { role: 'system', content: 'b' }, user] },
    message: 'System message must be at the beginning.',
  },
  { name: 'message without role', body: { ...base, messages: [{ content: 'x' }] }, message: "Missing required parameter: 'messages[0].role'." },
  { name: 'user message without content', body: { ...base, messages: [{ role: 'user' }] }, message: "Missing required parameter: 'messages[0].content'." },
  {
    name: 'Responses-style input_text part',
    body: { ...base, messages: [{ role: 'user', content: [{ type: 'input_text', text: 'x' }] }] },
    message: "Invalid value: 'input_text'. Supported values are: 'text' and 'image_url'.",
    param: 'messages[0].content[0].type',
    code: 'invalid_value',
  },
  {
    name: 'input_audio part',
    body: { ...base, messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }] }] },
    message: /^Invalid value: 'input_audio'/,
  },
  {
    name: 'image in a system message',
    body: { ...base, messages: [{ role: 'system', content: [image] }, user] },
    message: "Invalid value: 'image_url'. Supported values are: 'text'.",
  },
  {
    name: 'image in a tool message',
    body: withTools([user, assistantCalls('c1'), { role: 'tool', tool_call_id: 'c1', content: [image] }]),
    message: "Invalid value: 'image_url'. Supported values are: 'text'.",
  },
  {
    name: 'assistant with neither content nor tool_calls',
    body: { ...base, messages: [user, { role: 'assistant', content: null }, user] },
    message: "Invalid value for 'content': expected a string, got null.",
    param: 'messages.[1].content',
  },
  {
    name: 'tool_call without id',
    body: withTools([user, { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'shell', arguments: '{}' } }] }]),
    message: "Missing required parameter: 'messages[1].tool_calls[0].id'.",
  },
  {
    name: 'tool_call arguments as an object',
    body: withTools([user, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'shell', arguments: {} } }] }, toolReply('c1')]),
    message: "Invalid type for 'messages[1].tool_calls[0].function.arguments': expected a string, but got an object instead.",
  },
  {
    name: 'unanswered tool call',
    body: withTools([user, assistantCalls('c1', 'c2'), toolReply('c1'), user]),
    message:
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: c2",
    param: 'messages.[1].role',
  },
  { name: 'tool calls as the last message', body: withTools([user, assistantCalls('c1')]), message: /did not have response messages: c1$/ },
  {
    name: 'tool message answering nothing',
    body: withTools([user, toolReply('c9')]),
    message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
    param: 'messages.[1].role',
  },
  {
    name: 'tool message with a foreign id',
    body: withTools([user, assistantCalls('c1'), toolReply('c1'), toolReply('c2')]),
    message: /must be a response to a preceeding message with 'tool_calls'/,
    param: 'messages.[3].role',
  },
  {
    name: 'tool message answering twice',
    body: withTools([user, assistantCalls('c1'), toolReply('c1'), toolReply('c1')]),
    message: /must be a response to a preceeding message/,
  },
  {
    name: 'tool message without tool_call_id',
    body: withTools([user, assistantCalls('c1'), { role: 'tool', content: 'ok' }]),
    message: "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.",
    param: 'messages.[2].tool_call_id',
  },
  {
    name: 'custom (freeform) tool',
    body: { ...base, messages: [user], tools: [{ type: 'custom', name: 'apply_patch' }] },
    message: "Invalid value: 'custom'. Supported values are: 'function'.",
    param: 'tools[0].type',
    code: 'invalid_value',
  },
  {
    name: 'Responses-style flat function tool',
    body: { ...base, messages: [user], tools: [{ type: 'function', name: 'shell', parameters: {} }] },
    message: "Missing required parameter: 'tools[0].function'.",
  },
  {
    name: 'namespace tool',
    body: { ...base, messages: [user], tools: [{ type: 'namespace', name: 'mcp', tools: [] }] },
    message: /^Invalid value: 'namespace'/,
  },
  { name: 'web_search tool', body: { ...base, messages: [user], tools: [{ type: 'web_search' }] }, message: /^Invalid value: 'web_search'/ },
  {
    name: 'tool name with a dot',
    body: { ...base, messages: [user], tools: [fn('mcp.read')] },
    message: "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    param: 'tools[0].function.name',
    code: 'invalid_value',
  },
  {
    name: 'tool name of 65 characters',
    body: { ...base, messages: [user], tools: [fn('a'.repeat(65))] },
    message: "Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.",
    code: 'string_above_max_length',
  },
  {
    name: 'parameters as a string',
    body: { ...base, messages: [user], tools: [fn('f', { parameters: '{}' })] },
    message: "Invalid type for 'tools[0].function.parameters': expected an object, but got a string instead.",
    code: 'invalid_type',
  },
  {
    name: 'tool_choice without tools',
    body: { ...base, messages: [user], tool_choice: 'auto' },
    message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    param: 'tool_choice',
  },
  {
    name: 'tool_choice naming an undeclared tool',
    body: { ...base, messages: [user], tools: [fn('shell')], tool_choice: { type: 'function', function: { name: 'ghost' } } },
    message: "Tool 'ghost' has not been passed in `tools`.",
  },
  {
    name: 'stream_options without stream',
    body: { ...base, messages: [user], stream_options: { include_usage: true } },
    message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    param: 'stream_options',
  },
];

async function post(emulator: ChatEmulator, body: unknown, headers = auth) {
  return postJson(`${emulator.url}/chat/completions`, body, headers);
}

describe('Chat emulator strictness (openai flavor: OpenAI envelope with param/code)', () => {
  let emulator: ChatEmulator;
  before(async () => {
    emulator = await startChatEmulator({ respond: () => textReply('ok') });
  });
  after(() => emulator.close());

  for (const entry of cases) {
    test(`rejects: ${entry.name}`, async () => {
      const result = await post(emulator, entry.body);
      assert.equal(result.status, entry.status ?? 400, result.text);
      assert.deepEqual(Object.keys(result.json.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(result.json.error.type, 'invalid_request_error');
      if (typeof entry.message === 'string') assert.equal(result.json.error.message, entry.message);
      else assert.match(result.json.error.message, entry.message);
      if (entry.param !== undefined) assert.equal(result.json.error.param, entry.param);
      if (entry.code !== undefined) assert.equal(result.json.error.code, entry.code);
    });
  }

  test('valid variants pass: parallel results in any order, text parts, images, a tool call with text, tool_choice forms', async () => {
    const bodies = [
      withTools([
        { role: 'system', content: 'sys' },
        user,
        assistantCalls('c1', 'c2'),
        toolReply('c2'),
        toolReply('c1'),
        { role: 'assistant', content: 'done' },
        user,
      ]),
      withTools([user, { ...assistantCalls('c1'), content: 'Let me run it.' }, { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'out' }] }]),
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, image] }] },
      {
        ...base,
        messages: [user],
        tools: [fn('shell'), { type: 'function', function: { name: 'no_params' } }],
        tool_choice: { type: 'function', function: { name: 'shell' } },
        parallel_tool_calls: false,
      },
      { ...base, messages: [user], tools: [fn('shell')], tool_choice: 'required', stream: true, stream_options: { include_usage: true } },
      { ...base, messages: [user], max_completion_tokens: 5, reasoning_effort: 'low', temperature: 0 },
    ];
    for (const [index, body] of bodies.entries()) {
      const result = await post(emulator, body);
      assert.equal(result.status, 200, `body #${index}: ${result.text}`);
    }
  });

  test('authentication: missing and wrong bearer keys are 401 in the OpenAI shape; bad JSON is 400', async () => {
    const missing = await post(emulator, { ...base, messages: [user] }, {} as typeof auth);
    assert.equal(missing.status, 401);
    assert.match(missing.json.error.message, /^You didn't provide an API key/);
    const wrong = await post(emulator, { ...base, messages: [user] }, { authorization: 'Bearer sk-wrong-key-123' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'invalid_api_key');
    const malformed = await post(emulator, '{"model"');
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error.message, /could not parse the JSON body/);
  });
});

describe('flavor-specific error shapes', () => {
  const flavors: ChatFlavor[] = ['openai', 'vllm', 'ollama'];
  const shapes = {
    openai: { type: 'invalid_request_error', param: 'messages[1].role', code: null },
    vllm: { type: 'BadRequestError', param: 'messages[1].role', code: 400 },
    ollama: { type: 'invalid_request_error', param: null, code: null },
  };

  test('a late system message: same rule, each server family fills the envelope its own way', async () => {
    for (const flavor of flavors) {
      const emulator = await startChatEmulator({ respond: [], flavor });
      try {
        const result = await post(emulator, { ...base, messages: [user, { role: 'system', content: 'late' }] });
        assert.equal(result.status, 400);
        assert.deepEqual(result.json.error, { message: 'System message must be at the beginning.', ...shapes[flavor] });
      } finally {
        await emulator.close();
      }
    }
  });

  test('knownModels: OpenAI answers the recorded 404 model_not_found; vLLM and Ollama their own 404s', async () => {
    const recorded = JSON.parse(providerFixtureText('openai-chat', 'error-404-model-not-found.embeddings.json'));
    const expected = {
      openai: recorded.error,
      vllm: { message: 'The model `nonexistent` does not exist.', type: 'NotFoundError', param: null, code: 404 },
      ollama: { message: 'model "nonexistent" not found, try pulling it first', type: 'api_error', param: null, code: null },
    };
    for (const flavor of flavors) {
      const emulator = await startChatEmulator({ respond: [], flavor, knownModels: ['test-model'] });
      try {
        const result = await post(emulator, { model: 'nonexistent', messages: [user] });
        assert.equal(result.status, 404);
        assert.deepEqual(result.json.error, expected[flavor]);
      } finally {
        await emulator.close();
      }
    }
  });

  test('textOnly refuses image parts; vLLM and Ollama ignore unknown arguments', async () => {
    const textOnly = await startChatEmulator({ respond: () => textReply('ok'), flavor: 'vllm', textOnly: true });
    try {
      const refused = await post(textOnly, { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, image] }] });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.json.error, {
        message: 'Invalid content type. image_url is only supported by certain models.',
        type: 'BadRequestError',
        param: 'messages.[0].content.[1].type',
        code: 400,
      });
      const extra = await post(textOnly, { ...base, messages: [user], chat_template_kwargs: { enable_thinking: false }, top_k: 20 });
      assert.equal(extra.status, 200, extra.text);
    } finally {
      await textOnly.close();
    }
  });
});
