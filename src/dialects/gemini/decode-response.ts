import type { ExchangeContext } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import { foldStream, type ModelResponse } from '../../core/ir/index.ts';
import { GeminiStreamDecoder } from './stream-decoder.ts';
import { isRecord } from './wire.ts';

/**
 * A `generateContent` body → IR. The body has the shape of one stream chunk, so it goes through
 * the stream decoder and is folded: unary and streamed answers decode identically (signatures,
 * synthesized call ids, finish reasons). A blocked prompt throws `caller_content_policy`.
 */
export function decodeResponse(body: unknown, context: ExchangeContext): ModelResponse {
  if (!isRecord(body)) throw new GatewayError({ code: 'provider_error', message: 'Gemini returned a response that is not a JSON object.' });
  const decoder = new GeminiStreamDecoder(context);
  const events = [...decoder.pushChunk(body), ...decoder.finish()];
  return foldStream(events);
}
