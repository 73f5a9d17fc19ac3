import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestBody } from '../../core/request-body.ts';
import { Warnings } from '../../core/warnings.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import { encodeReasoningEnvelope } from '../openai-responses/reasoning-envelope.ts';
import { adaptForTarget as adaptResponses } from '../openai-responses/adapt-for-target.ts';
import { adaptForTarget as adaptGemini } from '../gemini/adapt-for-target.ts';
import { sealReasoning } from './carried-reasoning.ts';

// A conversation that was served by another provider carries gateway envelopes; when it is
// then served by the client's own dialect (passthrough), none may reach that provider.
const run = (adapt: typeof adaptGemini, body: unknown, target: TargetProfile) => {
  const warnings = new Warnings();
  const out = adapt(new RequestBody(Buffer.from(JSON.stringify(body))), target, { warnings, headers: {} });
  return { out: out === undefined ? undefined : JSON.parse(out.toString('utf8')), codes: warnings.list.map((warning) => warning.code) };
};
const anthropicThinking = sealReasoning([{ type: 'reasoning', family: 'anthropic', summary: ['t'], signature: 'EqQB' }]);

describe('envelopes never reach a same-dialect provider', () => {
  test('Responses: reasoning items whose encrypted_content is an envelope are dropped; OpenAI blobs stay', () => {
    const sealed = encodeReasoningEnvelope({ v: 1, family: 'anthropic', blocks: [{ thinking: 't', signature: 'EqQB' }] });
    const body = {
      model: 'gpt-5.5',
      input: [
        { type: 'message', role: 'user', content: 'go' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: sealed },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAA-openai' },
      ],
    };
    const { out, codes } = run(adaptResponses, body, { model: 'gpt-5.5', family: 'openai' });
    assert.deepEqual(
      out.input.map((item: { id?: string; type: string }) => item.id ?? item.type),
      ['message', 'rs_2'],
    );
    assert.deepEqual(codes, ['reasoning_dropped']);
    assert.equal(run(adaptResponses, { model: 'm', input: [body.input[2]] }, { model: 'gpt-5.5', family: 'openai' }).out, undefined);
  });

  test('Gemini: a sealed thoughtSignature is removed; on a Gemini 3 call it becomes the dummy; an empty carrier part goes', () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'go' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'f', args: {} }, thoughtSignature: anthropicThinking },
            { text: '', thoughtSignature: anthropicThinking },
          ],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
      ],
    };
    const three = run(adaptGemini, body, { model: 'gemini-3-pro-preview', family: 'gemini' });
    assert.deepEqual(three.out.contents[1].parts, [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'skip_thought_signature_validator' }]);
    assert.deepEqual(three.codes, ['reasoning_dropped']);
    const two = run(adaptGemini, body, { model: 'gemini-2.5-pro', family: 'gemini' });
    assert.deepEqual(two.out.contents[1].parts, [{ functionCall: { name: 'f', args: {} } }]);
    assert.equal(
      run(adaptGemini, { contents: [{ role: 'model', parts: [{ text: 'x', thoughtSignature: 'CiQB' }] }] }, { model: 'gemini-3-pro-preview', family: 'gemini' })
        .out,
      undefined,
    );
  });
});
