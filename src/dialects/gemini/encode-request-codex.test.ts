import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFixturePaths } from '../../../test/support/client-fixtures.ts';
import type { ExchangeContext, TargetProfile } from '../../core/dialect.ts';
import type { ModelRequest } from '../../core/ir/index.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { openaiResponsesCodec } from '../openai-responses/index.ts';
import { encodeRequest } from './encode-request.ts';
import { readJsonFixture, warningCodes } from '../../../test/support/dialects/gemini.ts';
import { encodedRequestContext, validateGeminiRequest } from '../../../test/fakes/gemini-request-validator.ts';

/** Every captured Codex request (Codex CLI 0.169 against a capture server). */
const captures = clientFixturePaths('codex').map((path) => `codex/${path}`);

function codexBody(name: string): Record<string, any> {
  return readJsonFixture<{ body: Record<string, any> }>(name).body;
}

/** The real inbound path: the Responses codec decodes what Codex sent. */
function contextFor(name: string, target: Partial<TargetProfile> = {}): ExchangeContext {
  const decoded: ModelRequest = openaiResponsesCodec.decodeRequest(codexBody(name), new Warnings());
  const request = { ...decoded, model: target.model ?? 'gemini-3-pro-preview' };
  return {
    request,
    target: { model: 'gemini-3-pro-preview', family: 'gemini', ...target },
    toolNames: ToolNameMap.fromTools(request.tools),
    warnings: new Warnings(),
  };
}

// Gemini 3 models need thought signatures and thinkingLevel, 2.5 models thinkingBudget: the validator reads that from the model.
const targets: Array<{ target: Partial<TargetProfile> & { model: string } }> = [
  { target: { model: 'gemini-3-pro-preview' } },
  { target: { model: 'gemini-3-flash-preview', defaultReasoningEffort: 'minimal' } },
  { target: { model: 'gemini-3.1-pro-preview', defaultReasoningEffort: 'xhigh' } },
  { target: { model: 'gemini-2.5-pro', defaultReasoningEffort: 'none' } },
  { target: { model: 'gemini-2.5-flash', maxOutputTokens: 8192 } },
];

describe('Codex captures encoded for Gemini obey the generateContent rules', () => {
  test('there are captures to check', () => assert.ok(captures.length >= 12));
  for (const name of captures) {
    test(name, () => {
      for (const { target } of targets) {
        const context = contextFor(name, target);
        const body = encodeRequest(context);
        assert.equal(validateGeminiRequest(body, encodedRequestContext(target.model))?.message, undefined, `${name} → ${target.model}`);
        for (const key of [
          'model',
          'stream',
          'store',
          'include',
          'prompt_cache_key',
          'client_metadata',
          'parallel_tool_calls',
          'reasoning',
          'input',
          'text',
          'instructions',
        ])
          assert.ok(!(key in body), key);
        assert.ok(String(body.systemInstruction?.parts?.[0]?.text).length > 100, 'the developer prompt is in systemInstruction');
      }
    });
  }
});

describe('What Codex sends becomes the right Gemini request', () => {
  test('gpt-5.5: function tools with parametersJsonSchema, apply_patch wrapped, web_search dropped next to functions', () => {
    const context = contextFor('codex/gpt-5.5/001-POST_v1_responses.json');
    const body = encodeRequest(context);
    const declarations = body.tools?.[0]?.functionDeclarations ?? [];
    const names = declarations.map((declaration) => declaration.name);
    assert.ok(names.includes('exec_command') && names.includes('apply_patch'));
    const patch = declarations.find((declaration) => declaration.name === 'apply_patch');
    assert.deepEqual(patch?.parametersJsonSchema, {
      type: 'object',
      properties: { input: { type: 'string', description: 'The raw tool input.' } },
      required: ['input'],
    });
    assert.match(String(patch?.description), /lark grammar/);
    const exec = declarations.find((declaration) => declaration.name === 'exec_command');
    const original = codexBody('codex/gpt-5.5/001-POST_v1_responses.json').tools.find((tool: { name?: string }) => tool.name === 'exec_command');
    assert.deepEqual(exec?.parametersJsonSchema, original.parameters);
    assert.equal(body.tools?.length, 1, 'no googleSearch next to function declarations');
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });
    assert.ok(warningCodes(context).includes('tool_dropped'));
    assert.ok(warningCodes(context).includes('custom_tool_wrapped'));
    assert.deepEqual(body.generationConfig?.thinkingConfig, { includeThoughts: true, thinkingLevel: 'high' });
  });

  test('patch-gpt55: the freeform call replays as {input} and its output answers it by name, with the dummy signature', () => {
    const body = encodeRequest(contextFor('codex/patch-gpt55/002-POST_v1_responses.json'));
    const model = body.contents.at(-2);
    const user = body.contents.at(-1);
    assert.equal(model?.role, 'model');
    assert.deepEqual(model?.parts?.[0], {
      functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch' }, id: 'call_patch' },
      thoughtSignature: 'skip_thought_signature_validator',
    });
    assert.equal(user?.role, 'user');
    assert.deepEqual(user?.parts?.[0]?.functionResponse, {
      name: 'apply_patch',
      id: 'call_patch',
      response: { output: 'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA hello.txt\n' },
    });
  });

  test('ns_present: namespaced tools are flattened and their calls answered under the flat name', () => {
    const context = contextFor('codex/ns_present/002-POST_v1_responses.json');
    const body = encodeRequest(context);
    const declared = (body.tools?.[0]?.functionDeclarations ?? []).map((declaration) => declaration.name);
    assert.ok(
      declared.some((name) => name.includes('__')),
      declared.join(','),
    );
    const calls = body.contents.flatMap((content) => content.parts ?? []).filter((part) => part.functionCall);
    for (const call of calls) assert.ok(declared.includes(call.functionCall!.name), call.functionCall!.name);
  });

  test('gpt-6-sol: tools that arrive inside an additional_tools item are declared', () => {
    const body = encodeRequest(contextFor('codex/gpt-6-sol/001-POST_v1_responses.json'));
    assert.ok((body.tools?.[0]?.functionDeclarations ?? []).length > 3);
  });

  test('effort mapping per model family', () => {
    const level = (model: string, effort: TargetProfile['defaultReasoningEffort']) =>
      encodeRequest(contextFor('codex/gpt-4o/001-POST_v1_responses.json', { model, ...(effort ? { defaultReasoningEffort: effort } : {}) })).generationConfig
        ?.thinkingConfig;
    assert.deepEqual(level('gemini-2.5-flash', 'none'), { thinkingBudget: 0 });
    assert.deepEqual(level('gemini-2.5-pro', 'none'), { thinkingBudget: 128 });
    assert.deepEqual(level('gemini-2.5-pro', 'minimal'), { includeThoughts: true, thinkingBudget: 512 });
    assert.deepEqual(level('gemini-3-pro-preview', 'medium'), { includeThoughts: true, thinkingLevel: 'high' });
    assert.deepEqual(level('gemini-3-flash-preview', 'medium'), { includeThoughts: true, thinkingLevel: 'medium' });
    assert.deepEqual(level('gemini-3-pro-preview', 'minimal'), { includeThoughts: true, thinkingLevel: 'low' });
    assert.deepEqual(level('gemini-3-flash-preview', 'none'), { thinkingLevel: 'minimal' });
    assert.equal(level('gemini-2.0-flash', 'high'), undefined);
  });
});
