import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFixturePaths } from '../../../test/support/client-fixtures.ts';
import { GatewayError } from '../../core/errors.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { readJsonFixture, recordingOf } from '../../../test/support/dialects/gemini.ts';
import { encodedRequestContext, validateGeminiRequest } from '../../../test/fakes/gemini-request-validator.ts';

const cliCaptures = clientFixturePaths('gemini-cli').map((file) => `gemini-cli/${file}`);

function cliBody(name: string): Record<string, any> {
  return readJsonFixture<{ body: Record<string, any> }>(name).body;
}

/** Gemini client → IR → Gemini upstream, as a same-dialect route would do it. */
function reencode(body: unknown, model = 'gemini-3.1-pro-preview'): { out: Record<string, any>; warnings: Warnings } {
  const warnings = new Warnings();
  const request = { ...decodeRequest(body, warnings), model };
  const out = encodeRequest({ request, target: { model, family: 'gemini' }, toolNames: ToolNameMap.fromTools(request.tools), warnings });
  return { out, warnings };
}

describe('Gemini CLI requests', () => {
  test('there are captures to check', () => assert.equal(cliCaptures.length, 2));

  test('the main streamed turn: system, merged user parts, parametersJsonSchema tools, thinking level and includeThoughts', () => {
    const body = cliBody('gemini-cli/002-POST_v1beta_models_gemini_3_1_pro_preview_streamGenerateContent_alt_sse.json');
    const warnings = new Warnings();
    const request = decodeRequest(body, warnings);
    assert.equal(request.model, '');
    assert.equal(request.system.length, 1);
    assert.match((request.system[0] as { text: string }).text, /^You are Gemini CLI/);
    assert.deepEqual(
      request.messages.map((message) => [message.role, message.content.length]),
      [['user', 2]],
    );
    assert.equal(request.tools.length, body.tools[0].functionDeclarations.length);
    const read = request.tools.find((tool) => tool.kind === 'function' && tool.name === 'read_file');
    assert.deepEqual(
      read?.kind === 'function' ? read.parameters : undefined,
      body.tools[0].functionDeclarations.find((declaration: { name: string }) => declaration.name === 'read_file').parametersJsonSchema,
    );
    assert.deepEqual(request.reasoning, { effort: 'high' });
    assert.deepEqual([request.temperature, request.topP, request.topK], [1, 0.95, 64]);
    assert.deepEqual(request.extensions.gemini, { generationConfig: { thinkingConfig: { includeThoughts: true } } });
    assert.equal(warnings.size, 0);
  });

  test('the classifier call: consecutive user contents, responseJsonSchema (OpenAPI types) as a JSON schema', () => {
    const body = cliBody('gemini-cli/001-POST_v1beta_models_gemini_3_5_flash_lite_generateContent.json');
    const request = decodeRequest(body, new Warnings());
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['user', 'user'],
    );
    assert.deepEqual(request.responseFormat, {
      type: 'json_schema',
      schema: {
        type: 'object',
        properties: {
          complexity_reasoning: { type: 'string', description: 'Brief explanation for the score.' },
          complexity_score: { type: 'integer', description: 'Complexity score from 1-100.' },
        },
        required: ['complexity_reasoning', 'complexity_score'],
      },
    });
  });

  for (const name of cliCaptures) {
    test(`${name} re-encoded for Gemini keeps contents, system, tools and settings`, () => {
      const body = cliBody(name);
      const { out } = reencode(body);
      assert.equal(validateGeminiRequest(out, encodedRequestContext())?.message, undefined);
      // The two consecutive user contents of the classifier call are merged; parts are identical.
      assert.deepEqual(
        out.contents.flatMap((content: { parts: unknown[] }) => content.parts),
        body.contents.flatMap((content: { parts: unknown[] }) => content.parts),
      );
      assert.deepEqual(out.systemInstruction, { parts: body.systemInstruction.parts });
      assert.deepEqual(out.tools ?? [], body.tools ?? []);
      assert.equal(out.generationConfig.thinkingConfig.includeThoughts, true);
      assert.equal(out.generationConfig.thinkingConfig.thinkingLevel, 'high');
      assert.equal(out.generationConfig.temperature, body.generationConfig.temperature);
    });
  }
});

describe('Gemini SDK requests from recordings', () => {
  test('function-response-with-thought-signature.request.json: ids pair call and response; signature and snake_case schema kept', () => {
    const body = readJsonFixture('function-response-with-thought-signature.request.json');
    const request = decodeRequest(body, new Warnings());
    const [question, model, result] = request.messages;
    assert.equal(question?.role, 'user');
    const call = model?.content[0];
    assert.ok(call?.type === 'tool-call');
    assert.equal(call.callId, 'pyd_ai_29bf73b69e02448588e15893d47a3e7e');
    assert.equal(call.signature?.value, body.contents[1].parts[0].thoughtSignature);
    assert.equal(result?.role, 'tool');
    assert.deepEqual(result?.content[0], {
      type: 'tool-result',
      callId: call.callId,
      kind: 'function',
      name: 'get_country',
      output: '{"return_value":"Mexico"}',
    });
    assert.deepEqual(request.tools[0], { kind: 'function', name: 'get_country', parameters: { additionalProperties: false, properties: {}, type: 'object' } });
    assert.deepEqual(request.extensions.gemini, { generationConfig: { responseModalities: ['TEXT'] } });
    const { out } = reencode(body);
    assert.deepEqual(out.contents[1], body.contents[1]);
    assert.equal(out.contents[2].parts[0].functionResponse.id, call.callId);
    assert.deepEqual(out.generationConfig, { responseModalities: ['TEXT'], thinkingConfig: { includeThoughts: true } });
  });

  test('function-call-then-function-response.recording.json: a response without ids is paired with its call by name', () => {
    const { request: body } = recordingOf('function-call-then-function-response.recording.json', 1);
    const request = decodeRequest(body, new Warnings());
    const call = request.messages[1]?.content[0];
    const result = request.messages[2]?.content[0];
    assert.ok(call?.type === 'tool-call' && result?.type === 'tool-result');
    assert.equal(result.callId, call.callId);
    assert.equal(result.output, '{"output":42}');
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    const { out } = reencode(body, 'gemini-2.0-flash');
    // Ids the decoder made up never reach Gemini; the non-string output is passed as JSON text.
    assert.deepEqual(out.contents[1], (body as { contents: unknown[] }).contents[1]);
    assert.deepEqual(out.contents[2].parts[0], { functionResponse: { name: 'customDivide', response: { output: '{"output":42}' } } });
    assert.deepEqual(out.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });
  });

  test('text-stream.request.json: systemInstruction with a role, temperature 0', () => {
    const request = decodeRequest(readJsonFixture('text-stream.request.json'), new Warnings());
    assert.deepEqual(request.system, [{ type: 'text', text: 'You are a helpful chatbot.' }]);
    assert.equal(request.temperature, 0);
  });

  test('vertex recording: toolConfig options the IR does not model stay in the extension', () => {
    const { request: body } = recordingOf('vertex-stream-function-call-arguments.recording.json');
    const request = decodeRequest(body, new Warnings());
    assert.deepEqual(request.extensions.gemini?.toolConfig, { functionCallingConfig: { streamFunctionCallArguments: true } });
    const parameters = request.tools[0]?.kind === 'function' ? request.tools[0].parameters : undefined;
    assert.deepEqual((parameters as { required: string[] }).required, ['location', 'unit', 'country']);
  });
});

describe('Gemini request decoding rules', () => {
  test('safetySettings, cachedContent and labels travel in extensions.gemini and go back to Gemini', () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], safetySettings, cachedContent: 'cachedContents/abc', labels: { team: 'a' } };
    const request = decodeRequest(body, new Warnings());
    assert.deepEqual(request.extensions.gemini, { safetySettings, cachedContent: 'cachedContents/abc', labels: { team: 'a' } });
    const { out } = reencode(body);
    assert.deepEqual([out.safetySettings, out.cachedContent, out.labels], [safetySettings, 'cachedContents/abc', { team: 'a' }]);
  });

  test('thinkingConfig: levels, budgets, off and dynamic', () => {
    const reasoning = (thinkingConfig: unknown) => decodeRequest({ contents: [], generationConfig: { thinkingConfig } }, new Warnings()).reasoning;
    assert.deepEqual(reasoning({ thinkingLevel: 'LOW' }), { effort: 'low' });
    assert.deepEqual(reasoning({ thinkingBudget: 0 }), { disabled: true });
    assert.deepEqual(reasoning({ thinkingBudget: 24576 }), { budgetTokens: 24576, effort: 'high' });
    assert.deepEqual(reasoning({ thinkingBudget: -1, includeThoughts: true }), {});
    assert.throws(
      () => reasoning({ thinkingLevel: 'EXTREME' }),
      (error: unknown) => error instanceof GatewayError && error.param === 'generationConfig.thinkingConfig.thinkingLevel',
    );
  });

  test('toolConfig modes → tool choice', () => {
    const choice = (functionCallingConfig: unknown) => decodeRequest({ contents: [], toolConfig: { functionCallingConfig } }, new Warnings()).toolChoice;
    assert.deepEqual(choice({ mode: 'NONE' }), { type: 'none' });
    assert.deepEqual(choice({ mode: 'ANY' }), { type: 'required' });
    assert.deepEqual(choice({ mode: 'ANY', allowedFunctionNames: ['read'] }), { type: 'tool', name: 'read', kind: 'function' });
    assert.deepEqual(choice({ mode: 'ANY', allowedFunctionNames: ['read', 'write'] }), { type: 'allowed', mode: 'required', names: ['read', 'write'] });
    assert.deepEqual(choice({ mode: 'VALIDATED', allowedFunctionNames: ['read'] }), { type: 'allowed', mode: 'auto', names: ['read'] });
  });

  test('tools: OpenAPI parameters become JSON Schema; built-in tools are hosted tools of dialect gemini', () => {
    const tools = decodeRequest(
      {
        contents: [],
        tools: [
          {
            functionDeclarations: [
              { name: 'find', description: 'Find', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING', nullable: true } }, required: ['q'] } },
            ],
          },
          { googleSearch: {} },
        ],
      },
      new Warnings(),
    ).tools;
    assert.deepEqual(tools, [
      { kind: 'function', name: 'find', description: 'Find', parameters: { type: 'object', properties: { q: { type: ['string', 'null'] } }, required: ['q'] } },
      { kind: 'hosted', dialect: 'gemini', type: 'googleSearch', value: { googleSearch: {} } },
    ]);
  });

  test('parts: thoughts, signed text, media, results with errors', () => {
    const request = decodeRequest(
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'look' },
              { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
              { fileData: { mimeType: 'application/pdf', fileUri: 'gs://b/doc.pdf' } },
            ],
          },
          {
            role: 'model',
            parts: [{ text: 'hm', thought: true }, { text: 'ok', thoughtSignature: 'c2ln' }, { functionCall: { name: 'run', args: { cmd: 'ls' } } }],
          },
          { role: 'user', parts: [{ functionResponse: { name: 'run', response: { error: 'denied' } } }, { text: 'why?' }] },
        ],
      },
      new Warnings(),
    );
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'text', text: 'look' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
      { type: 'file', source: { kind: 'url', url: 'gs://b/doc.pdf' } },
    ]);
    const model = request.messages[1]?.content ?? [];
    assert.deepEqual(model.slice(0, 2), [
      { type: 'reasoning', family: 'gemini', summary: ['hm'] },
      { type: 'text', text: 'ok', signature: { family: 'gemini', value: 'c2ln' } },
    ]);
    const call = model[2];
    assert.ok(call?.type === 'tool-call');
    assert.deepEqual(
      request.messages.slice(2).map((message) => message.role),
      ['tool', 'user'],
    );
    assert.deepEqual(request.messages[2]?.content[0], {
      type: 'tool-result',
      callId: call.callId,
      kind: 'function',
      name: 'run',
      output: 'denied',
      isError: true,
    });
  });

  test('malformed bodies are 400s naming the field', () => {
    for (const [body, param] of [
      [{}, 'contents'],
      [{ contents: [{ role: 'system', parts: [] }] }, 'contents[0].role'],
      [{ contents: [{ role: 'user' }] }, 'contents[0].parts'],
      [{ contents: [], generationConfig: { temperature: 'hot' } }, 'generationConfig.temperature'],
      [{ contents: [], tools: [{ functionDeclarations: [{ description: 'x' }] }] }, 'tools[0].functionDeclarations[0].name'],
    ] as Array<[unknown, string]>) {
      assert.throws(
        () => decodeRequest(body, new Warnings()),
        (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param,
        param,
      );
    }
  });
});
