import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import type { DialectId, ModelRequest } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest as decodeChat } from '../openai-chat/decode-request.ts';
import { decodeRequest as decodeResponses } from '../openai-responses/decode-request.ts';
import { encodeRequest as encodeAnthropic } from '../anthropic-messages/encode-request.ts';
import { encodeRequest as encodeGemini } from '../gemini/encode-request.ts';
import { encodeRequest as encodeChat } from '../openai-chat/encode-request.ts';
import { encodeRequest as encodeResponses } from '../openai-responses/encode-request.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { checkForeignFields } from './foreign-fields.ts';

const input = [{ role: 'user', content: 'hi' }];

function check(request: ModelRequest, target: DialectId): string[] {
  const warnings = new Warnings();
  checkForeignFields(request, target, warnings);
  return warnings.list.map((warning) => warning.message);
}

const refused = (field: string) => (error: unknown) => error instanceof GatewayError && error.code === 'caller_unsupported' && error.param === field;

describe('client fields a target cannot honour: translated, refused naming them, or warned — never silent', () => {
  test('Responses: background, previous_response_id, conversation, prompt are refused for other dialects', () => {
    for (const [field, value] of [
      ['background', true],
      ['previous_response_id', 'resp_1'],
      ['conversation', 'conv_1'],
      ['prompt', { id: 'pmpt_1' }],
    ] as const) {
      const request = decodeResponses({ model: 'm', input, [field]: value }, new Warnings());
      for (const target of ['anthropic-messages', 'gemini', 'openai-chat'] as const)
        assert.throws(() => check(request, target), refused(field), `${field} → ${target}`);
      assert.deepEqual(check(request, 'openai-responses'), [], 'an OpenAI Responses target honours it');
    }
  });

  test('Responses: unset or off values ask nothing; Codex’s store/include/client_metadata are inert; verbosity is warned', () => {
    const codex = decodeResponses(
      {
        model: 'm',
        input,
        background: false,
        previous_response_id: null,
        store: false,
        include: ['reasoning.encrypted_content'],
        client_metadata: { a: 'b' },
        text: { verbosity: 'low' },
        top_logprobs: 0,
      },
      new Warnings(),
    );
    assert.deepEqual(check(codex, 'anthropic-messages'), ['text was not sent: text.verbosity has no equivalent.']);
    const logprobs = decodeResponses({ model: 'm', input, top_logprobs: 5 }, new Warnings());
    assert.deepEqual(check(logprobs, 'gemini'), ['top_logprobs was not sent: no log probabilities are translated.']);
  });

  test('Chat: logprobs, seed, penalties… are warned for other dialects, and not for a Chat server', () => {
    const request = decodeChat(
      { model: 'm', messages: input, logprobs: true, seed: 7, presence_penalty: 0.5, n: 1, stream_options: { include_usage: true } },
      new Warnings(),
    );
    assert.deepEqual(check(request, 'anthropic-messages'), [
      'logprobs was not sent: no log probabilities are translated (`logprobs` comes back null).',
      'seed was not sent: the target has no sampling seed.',
      'presence_penalty was not sent: no penalty is translated.',
    ]);
    assert.deepEqual(check(request, 'openai-chat'), []);
    const unknown = decodeChat({ model: 'm', messages: input, chat_template_kwargs: { x: 1 } }, new Warnings());
    assert.deepEqual(check(unknown, 'gemini'), ['chat_template_kwargs was not sent: it has no equivalent.'], 'an unlisted field is never dropped silently');
  });

  test('every provider encoder applies it', () => {
    const request = decodeResponses({ model: 'm', input, previous_response_id: 'resp_1' }, new Warnings());
    const context = (family: 'anthropic' | 'gemini' | 'openai-compatible') => ({
      request,
      target: { model: 'x', family },
      toolNames: ToolNameMap.fromTools([]),
      warnings: new Warnings(),
    });
    assert.throws(() => encodeAnthropic(context('anthropic')), refused('previous_response_id'));
    assert.throws(() => encodeGemini(context('gemini')), refused('previous_response_id'));
    assert.throws(() => encodeChat(context('openai-compatible')), refused('previous_response_id'));
    const chat = decodeChat({ model: 'm', messages: input, seed: 1 }, new Warnings());
    const warnings = new Warnings();
    encodeResponses({ request: chat, target: { model: 'x', family: 'openai' }, toolNames: ToolNameMap.fromTools([]), warnings });
    assert.ok(warnings.list.some((warning) => warning.message.startsWith('seed was not sent')));
  });
});
