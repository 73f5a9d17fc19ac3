import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { foldStream, type ContentBlock, type Message, type ModelRequest, type ToolDefinition } from '../../core/ir/index.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import { encodeRequest } from './encode-request.ts';
import { decodeFixture, emptyRequest, exchangeContext, partsOf, warningCodes } from '../../../test/support/dialects/gemini.ts';
import { encodedRequestContext, validateGeminiRequest } from '../../../test/fakes/gemini-request-validator.ts';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

/** Encodes a request (one user message unless the test gives messages). */
function encode(request: Partial<ModelRequest>, target: Partial<TargetProfile> = {}) {
  const context = exchangeContext(emptyRequest({ messages: [user('hi')], ...request }), target);
  const body = encodeRequest(context);
  return { body, context, warnings: warningCodes(context) };
}

const readTool: ToolDefinition = { kind: 'function', name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } };

describe('Gemini request encoding: conversation', () => {
  test('system blocks and system/developer messages are hoisted in order; the body has no model', () => {
    const { body, warnings } = encode({
      system: [{ type: 'text', text: 'Base prompt.' }],
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Project rules.' }] },
        user('hi'),
        { role: 'system', content: [{ type: 'text', text: 'Late rule.' }] },
      ],
    });
    assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Base prompt.\n\nProject rules.\n\nLate rule.' }] });
    assert.deepEqual(body.contents, [{ role: 'user', parts: [{ text: 'hi' }] }]);
    assert.ok(!('model' in body));
    assert.deepEqual(warnings, ['system_hoisted']);
  });

  test('consecutive same-role messages merge into one content; assistant becomes model', () => {
    const { body } = encode({ messages: [user('a'), user('b'), { role: 'assistant', content: [{ type: 'text', text: 'c' }] }, user('d')] });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
      { role: 'user', parts: [{ text: 'd' }] },
    ]);
  });

  test('a conversation with nothing to send is a 400', () => {
    assert.throws(
      () => encode({ system: [{ type: 'text', text: 'only a system prompt' }], messages: [] }),
      (error: unknown) => error instanceof GatewayError && error.status === 400,
    );
  });

  test('calls and results: args objects, {output}/{error} responses named by the call, call order kept', () => {
    const messages: Message[] = [
      user('go'),
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', callId: 'call_a', name: 'read', kind: 'function', input: '{"path":"a"}' },
          { type: 'tool-call', callId: 'call_b', name: 'read', kind: 'function', input: '{"path":"b"}' },
        ],
      },
      // Results in the wrong order and without names: the encoder names and orders them.
      { role: 'tool', content: [{ type: 'tool-result', callId: 'call_b', kind: 'function', output: 'missing', isError: true }] },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'call_a', kind: 'function', output: 'A' }] },
      user('thanks'),
    ];
    const { body } = encode({ messages, tools: [readTool] }, { model: 'gemini-2.5-flash' });
    assert.equal(validateGeminiRequest(body, encodedRequestContext('gemini-2.5-flash'))?.message, undefined);
    assert.deepEqual(body.contents[1], {
      role: 'model',
      parts: [{ functionCall: { name: 'read', args: { path: 'a' }, id: 'call_a' } }, { functionCall: { name: 'read', args: { path: 'b' }, id: 'call_b' } }],
    });
    assert.deepEqual(body.contents[2], {
      role: 'user',
      parts: [
        { functionResponse: { name: 'read', response: { output: 'A' }, id: 'call_a' } },
        { functionResponse: { name: 'read', response: { error: 'missing' }, id: 'call_b' } },
        { text: 'thanks' },
      ],
    });
  });

  test('a call without a result gets an error response; a result without its call is dropped', () => {
    const messages: Message[] = [
      user('go'),
      { role: 'assistant', content: [{ type: 'tool-call', callId: 'call_1', name: 'read', kind: 'function', input: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'call_stray', kind: 'function', name: 'read', output: 'x' }] },
      user('next'),
    ];
    const { body, warnings } = encode({ messages, tools: [readTool] });
    assert.equal(validateGeminiRequest(body, encodedRequestContext())?.message, undefined);
    assert.deepEqual(body.contents[2]?.parts, [
      { functionResponse: { name: 'read', response: { error: 'No result was recorded for this call.' }, id: 'call_1' } },
      { text: 'next' },
    ]);
    assert.ok(warnings.includes('tool_result_missing') && warnings.includes('tool_result_dropped'));
  });

  test('unparsable arguments replay as {} with a warning; freeform input as {input}', () => {
    const messages: Message[] = [
      user('go'),
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', callId: 'c1', name: 'read', kind: 'function', input: '{"path":' },
          { type: 'tool-call', callId: 'c2', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' },
        ],
      },
    ];
    const { body, warnings } = encode({ messages, tools: [readTool, { kind: 'custom', name: 'apply_patch' }] });
    assert.deepEqual(
      body.contents[1]?.parts?.map((part) => part.functionCall?.args),
      [{}, { input: '*** Begin Patch' }],
    );
    assert.ok(warnings.includes('tool_arguments_replaced'));
  });

  test('rich tool results: text joined into output, images sent as inline parts after the responses', () => {
    const messages: Message[] = [
      user('look'),
      { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'view_image', kind: 'function', input: '{}' }] },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            callId: 'c1',
            kind: 'function',
            output: [
              { type: 'text', text: 'an image' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
            ],
          },
        ],
      },
    ];
    const { body, warnings } = encode({ messages });
    assert.deepEqual(body.contents[2]?.parts, [
      { functionResponse: { name: 'view_image', response: { output: 'an image' }, id: 'c1' } },
      { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
    ]);
    assert.ok(warnings.includes('tool_result_media_moved'));
  });

  test('images: base64 and data URLs inline, Files API URIs as fileData, other URLs and file ids are 400s', () => {
    const image = (source: Extract<ContentBlock, { type: 'image' }>['source']): Message => ({ role: 'user', content: [{ type: 'image', source }] });
    assert.deepEqual(encode({ messages: [image({ kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' })] }).body.contents[0]?.parts, [
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/' } },
    ]);
    assert.deepEqual(encode({ messages: [image({ kind: 'url', url: 'data:image/png;base64,iVBO' })] }).body.contents[0]?.parts, [
      { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
    ]);
    const uri = 'https://generativelanguage.googleapis.com/v1beta/files/abc123';
    assert.deepEqual(encode({ messages: [image({ kind: 'url', url: uri })] }).body.contents[0]?.parts, [{ fileData: { fileUri: uri } }]);
    assert.throws(
      () => encode({ messages: [image({ kind: 'url', url: 'https://example.com/cat.png' })] }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.code === 'caller_invalid_request' &&
        /inline data/.test(error.message) &&
        /does not download/.test(error.message),
    );
    assert.throws(
      () => encode({ messages: [image({ kind: 'file-id', fileId: 'file-1' })] }),
      (error: unknown) => error instanceof GatewayError && error.status === 400,
    );
  });

  test('the IR is not mutated (safe to encode again on retry)', () => {
    const messages: Message[] = [
      user('go'),
      { role: 'assistant', content: [{ type: 'tool-call', callId: 'c1', name: 'read', kind: 'function', input: '{}' }] },
    ];
    const request = emptyRequest({ messages, tools: [readTool] });
    const snapshot = structuredClone(request);
    const first = encodeRequest(exchangeContext(request));
    const second = encodeRequest(exchangeContext(request));
    assert.deepEqual(request, snapshot);
    assert.deepEqual(first, second);
  });
});

describe('Gemini request encoding: thought signatures', () => {
  /** A recorded answer decoded as the gateway would, then replayed as history. */
  function replay(fixture: string, target: Partial<TargetProfile> = {}) {
    const context = exchangeContext(
      emptyRequest({
        tools: [
          { kind: 'function', name: 'get_country' },
          { kind: 'function', name: 'weather' },
        ],
      }),
      target,
    );
    const answer = foldStream(decodeFixture(fixture, context));
    const messages: Message[] = [user('question'), { role: 'assistant', content: answer.content }];
    for (const block of answer.content) {
      if (block.type === 'tool-call')
        messages.push({ role: 'tool', content: [{ type: 'tool-result', callId: block.callId, kind: 'function', output: 'result' }] });
    }
    const next = { ...context, request: emptyRequest({ messages, tools: context.request.tools }) };
    return encodeRequest(next);
  }

  for (const fixture of [
    'function-call-thought-signature.sse',
    'function-call-gemini3.jsonl',
    'text-thought-signature-on-empty-part.jsonl',
    'vertex-stream-function-call-arguments.recording.json',
  ]) {
    test(`${fixture}: every recorded signature goes back byte-exact on its part`, () => {
      const body = replay(fixture);
      assert.equal(validateGeminiRequest(body, encodedRequestContext())?.message, undefined);
      const recorded = partsOf(fixture).filter((part) => typeof part.thoughtSignature === 'string');
      const sent = body.contents[1]?.parts ?? [];
      assert.equal(sent.filter((part) => part.thoughtSignature !== undefined).length, recorded.length);
      for (const part of recorded) {
        const match = sent.find((candidate) => candidate.thoughtSignature === part.thoughtSignature);
        assert.ok(match, 'signature replayed');
        if (part.functionCall) assert.equal(match.functionCall?.name, part.functionCall.name);
        else assert.equal(typeof match.text, 'string');
      }
      assert.ok(!sent.some((part) => part.thoughtSignature === 'skip_thought_signature_validator'));
      // Synthesized call ids never reach Gemini, on the call or on its response.
      for (const content of body.contents) for (const part of content.parts ?? []) assert.equal(part.functionCall?.id ?? part.functionResponse?.id, undefined);
    });
  }

  test('thoughts-include-thoughts.sse: unsigned thought text is not replayed, the signed answer part is', () => {
    const body = replay('thoughts-include-thoughts.sse');
    const parts = body.contents[1]?.parts ?? [];
    assert.ok(parts.every((part) => part.thought === undefined));
    assert.equal(parts[0]?.thoughtSignature, partsOf('thoughts-include-thoughts.sse').find((part) => part.thoughtSignature)?.thoughtSignature);
  });

  test('foreign calls get the dummy on the first call of each model turn only; real ones are kept', () => {
    const call = (callId: string, signature?: string): ContentBlock => ({
      type: 'tool-call',
      callId,
      name: 'read',
      kind: 'function',
      input: '{}',
      ...(signature ? { signature: { family: 'gemini' as const, value: signature } } : {}),
    });
    const result = (callId: string): Message => ({ role: 'tool', content: [{ type: 'tool-result', callId, kind: 'function', output: 'ok' }] });
    const messages: Message[] = [
      user('go'),
      { role: 'assistant', content: [call('toolu_1'), call('toolu_2')] },
      result('toolu_1'),
      result('toolu_2'),
      { role: 'assistant', content: [call('call_3', 'UkVBTA=='), call('call_4')] },
      result('call_3'),
      result('call_4'),
      { role: 'assistant', content: [{ type: 'reasoning', family: 'anthropic', summary: ['hm'], signature: 'anthropic-sig' }, call('call_5', undefined)] },
      result('call_5'),
    ];
    const { body, warnings } = encode({ messages, tools: [readTool] });
    assert.equal(validateGeminiRequest(body, encodedRequestContext())?.message, undefined);
    const signatures = body.contents.filter((content) => content.role === 'model').map((content) => content.parts?.map((part) => part.thoughtSignature));
    assert.deepEqual(signatures, [['skip_thought_signature_validator', undefined], ['UkVBTA==', undefined], ['skip_thought_signature_validator']]);
    assert.ok(warnings.includes('thought_signature_dummy'));
    // Gemini 2.5 does not validate signatures: nothing is invented for it.
    const older = encode({ messages, tools: [readTool] }, { model: 'gemini-2.5-flash' }).body;
    assert.ok(!JSON.stringify(older).includes('skip_thought_signature_validator'));
  });

  test('a signed gemini thought goes back as a thought part; signatures of other families never reach Gemini', () => {
    const messages: Message[] = [
      user('go'),
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', family: 'gemini', summary: ['Plan'], signature: 'dGg=' },
          { type: 'reasoning', family: 'gemini', summary: ['unsigned'] },
          { type: 'reasoning', family: 'openai', summary: [], encryptedContent: 'gAAAA' },
          { type: 'text', text: 'Done', signature: { family: 'anthropic', value: 'nope' } },
        ],
      },
      user('more'),
    ];
    const { body } = encode({ messages });
    assert.deepEqual(body.contents[1]?.parts, [{ text: 'Plan', thought: true, thoughtSignature: 'dGg=' }, { text: 'Done' }]);
  });

  test('an empty signed text block is replayed as an empty signed text part', () => {
    const messages: Message[] = [
      user('go'),
      { role: 'assistant', content: [{ type: 'text', text: '', signature: { family: 'gemini', value: 'ZW1wdHk=' } }] },
      user('again'),
    ];
    assert.deepEqual(encode({ messages }).body.contents[1]?.parts, [{ text: '', thoughtSignature: 'ZW1wdHk=' }]);
  });
});

describe('Gemini request encoding: tools and settings', () => {
  test('declarations: descriptions joined, $schema stripped, non-object schemas replaced, names made valid', () => {
    const tools: ToolDefinition[] = [
      {
        kind: 'function',
        name: 'spawn',
        namespace: 'agents',
        namespaceDescription: 'Sub-agents.',
        description: 'Spawn one.',
        parameters: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { $schema: { type: 'string' } } },
      },
      { kind: 'function', name: 'list', parameters: { type: 'array' } },
      { kind: 'function', name: '2fa.check' },
    ];
    const { body, warnings } = encode({ tools });
    assert.equal(validateGeminiRequest(body, encodedRequestContext())?.message, undefined);
    assert.deepEqual(body.tools?.[0]?.functionDeclarations, [
      {
        name: 'agents__spawn',
        description: 'Sub-agents.\n\nSpawn one.',
        parametersJsonSchema: { type: 'object', properties: { $schema: { type: 'string' } } },
      },
      { name: 'list', description: '', parametersJsonSchema: { type: 'object', properties: {} } },
      { name: body.tools?.[0]?.functionDeclarations?.[2]?.name, description: '', parametersJsonSchema: { type: 'object', properties: {} } },
    ]);
    assert.match(String(body.tools?.[0]?.functionDeclarations?.[2]?.name), /^_2fa_check_[0-9a-f]{8}$/);
    assert.ok(warnings.includes('tool_schema_replaced'));
  });

  test('tool_choice → functionCallingConfig', () => {
    const tools: ToolDefinition[] = [readTool, { kind: 'function', name: 'write' }];
    const config = (toolChoice: ModelRequest['toolChoice']) => encode({ tools, ...(toolChoice ? { toolChoice } : {}) }).body.toolConfig;
    assert.equal(config(undefined), undefined);
    assert.deepEqual(config({ type: 'auto' }), { functionCallingConfig: { mode: 'AUTO' } });
    assert.deepEqual(config({ type: 'none' }), { functionCallingConfig: { mode: 'NONE' } });
    assert.deepEqual(config({ type: 'required' }), { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual(config({ type: 'tool', name: 'write', kind: 'function' }), { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['write'] } });
    assert.deepEqual(config({ type: 'allowed', mode: 'auto', names: ['read'] }), {
      functionCallingConfig: { mode: 'VALIDATED', allowedFunctionNames: ['read'] },
    });
    assert.deepEqual(config({ type: 'allowed', mode: 'required', names: ['read', 'write'] }), {
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['read', 'write'] },
    });
    // Without declarations there is no calling config at all (Gemini rejects one).
    assert.equal(encode({ toolChoice: { type: 'required' } }).body.toolConfig, undefined);
  });

  test('web_search alone becomes googleSearch; other hosted tools are dropped with a warning; Gemini built-ins go back verbatim', () => {
    const search: ToolDefinition = { kind: 'hosted', dialect: 'openai-responses', type: 'web_search', value: { type: 'web_search' } };
    const alone = encode({ tools: [search, { kind: 'hosted', dialect: 'openai-responses', type: 'image_generation', value: { type: 'image_generation' } }] });
    assert.deepEqual(alone.body.tools, [{ googleSearch: {} }]);
    assert.deepEqual(alone.warnings, ['tool_dropped']);
    const codeExecution: ToolDefinition = { kind: 'hosted', dialect: 'gemini', type: 'codeExecution', value: { codeExecution: {} } };
    assert.deepEqual(encode({ tools: [codeExecution] }).body.tools, [{ codeExecution: {} }]);
  });

  test('generation settings: limits, sampling, stop sequences, JSON schema output', () => {
    const { body, warnings } = encode(
      {
        maxOutputTokens: 100000,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'],
        responseFormat: { type: 'json_schema', name: 'x', schema: { $schema: 'x', type: 'object', properties: { n: { type: 'number' } } } },
      },
      { model: 'gemini-2.0-flash', maxOutputTokens: 8192 },
    );
    assert.deepEqual(body.generationConfig, {
      maxOutputTokens: 8192,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['a', 'b', 'c', 'd', 'e'],
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { n: { type: 'number' } } },
    });
    assert.deepEqual(warnings.sort(), ['max_tokens_capped', 'stop_sequences_truncated']);
  });

  test('thinking: explicit budgets clamp on 2.5, map to a level on 3; models that do not think drop it', () => {
    assert.deepEqual(encode({ reasoning: { budgetTokens: 100000 } }, { model: 'gemini-2.5-flash' }).body.generationConfig?.thinkingConfig, {
      includeThoughts: true,
      thinkingBudget: 24576,
    });
    assert.deepEqual(encode({ reasoning: { budgetTokens: 1024 } }, { model: 'gemini-3-pro-preview' }).body.generationConfig?.thinkingConfig, {
      includeThoughts: true,
      thinkingLevel: 'low',
    });
    assert.deepEqual(encode({ reasoning: { disabled: true } }, { model: 'gemini-2.5-flash-lite' }).body.generationConfig?.thinkingConfig, {
      thinkingBudget: 0,
    });
    const none = encode({ reasoning: { effort: 'high' } }, { model: 'gemini-3-pro-preview', supportsReasoning: false });
    assert.equal(none.body.generationConfig, undefined);
    assert.deepEqual(none.warnings, ['reasoning_dropped']);
    assert.deepEqual(encode({ reasoning: { effort: 'low' } }, { model: 'my-alias', quirks: { thinking: 'budget' } }).body.generationConfig?.thinkingConfig, {
      includeThoughts: true,
      thinkingBudget: 2048,
    });
  });

  test('metadata has no Gemini field and is reported', () => {
    assert.deepEqual(encode({ metadata: { team: 'a' } }).warnings, ['field_dropped']);
  });
});
