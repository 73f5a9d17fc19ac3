/**
 * The mock upstream's answers in the other provider dialects, serialized once at start-up like
 * the Responses ones: Chat Completions (JSON and SSE, for the Chat passthrough cells) and
 * Anthropic Messages and Gemini SSE streams (for the translated cells). The streams carry the
 * same text as the Responses stream, split into `TRANSLATED_DELTAS` deltas so the per-event
 * cost dominates the per-request cost of a translated stream.
 */
import { MOCK_MODEL, MOCK_TEXT_DELTAS } from './mock-upstream-text.ts';

/** Text deltas of the Anthropic and Gemini streams (the 20 Responses deltas, three times over). */
export const TRANSLATED_DELTAS = [...MOCK_TEXT_DELTAS, ...MOCK_TEXT_DELTAS, ...MOCK_TEXT_DELTAS];

export interface DialectBodies {
  chatJson: Buffer;
  chatSse: Buffer[];
  anthropicSse: Buffer[];
  anthropicJson: Buffer;
  geminiSse: Buffer[];
  geminiJson: Buffer;
}

const CHAT_ID = 'chatcmpl-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const CREATED = 1795266901;

const sse = (data: unknown, event?: string): Buffer => Buffer.from(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);

function chatBodies(): Pick<DialectBodies, 'chatJson' | 'chatSse'> {
  const text = MOCK_TEXT_DELTAS.join('');
  const usage = { prompt_tokens: 9412, completion_tokens: 187, total_tokens: 9599, prompt_tokens_details: { cached_tokens: 8064 } };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id: CHAT_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MOCK_MODEL,
    system_fingerprint: 'fp_bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  return {
    chatJson: Buffer.from(
      JSON.stringify({
        id: CHAT_ID,
        object: 'chat.completion',
        created: CREATED,
        model: MOCK_MODEL,
        system_fingerprint: 'fp_bench',
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      }),
    ),
    chatSse: [
      sse(chunk({ role: 'assistant', content: '', refusal: null }, null)),
      ...MOCK_TEXT_DELTAS.map((delta) => sse(chunk({ content: delta }, null))),
      sse(chunk({}, 'stop')),
      sse({ ...chunk({}, null), choices: [], usage }),
      Buffer.from('data: [DONE]\n\n'),
    ],
  };
}

function anthropicBodies(): Pick<DialectBodies, 'anthropicSse' | 'anthropicJson'> {
  const id = 'msg_01Bench0a1b2c3d4e5f6071829';
  const usage = { input_tokens: 1344, cache_creation_input_tokens: 0, cache_read_input_tokens: 8064, output_tokens: 187 };
  return {
    anthropicSse: [
      sse(
        {
          type: 'message_start',
          message: {
            id,
            type: 'message',
            role: 'assistant',
            content: [],
            model: MOCK_MODEL,
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage, output_tokens: 1 },
          },
        },
        'message_start',
      ),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...TRANSLATED_DELTAS.map((text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 187 } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop'),
    ],
    anthropicJson: Buffer.from(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text: TRANSLATED_DELTAS.join('') }],
        model: MOCK_MODEL,
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      }),
    ),
  };
}

function geminiBodies(): Pick<DialectBodies, 'geminiSse' | 'geminiJson'> {
  const usage = { promptTokenCount: 9412, candidatesTokenCount: 187, totalTokenCount: 9599, cachedContentTokenCount: 8064 };
  const chunk = (text: string, last: boolean) => ({
    candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: last ? usage : { promptTokenCount: 9412, totalTokenCount: 9412 },
    modelVersion: MOCK_MODEL,
    responseId: 'w1peaMz6INOvnvgPgYfPiQY',
  });
  return {
    geminiSse: TRANSLATED_DELTAS.map((text, index) => sse(chunk(text, index === TRANSLATED_DELTAS.length - 1))),
    geminiJson: Buffer.from(JSON.stringify(chunk(TRANSLATED_DELTAS.join(''), true))),
  };
}

export function prepareDialectBodies(): DialectBodies {
  return { ...chatBodies(), ...anthropicBodies(), ...geminiBodies() };
}
