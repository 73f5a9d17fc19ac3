import type { ExchangeContext } from '../../core/dialect.ts';
import type { StreamEvent, StreamStateMachine } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { decodeStreamError } from './errors.ts';
import { decodeFinishReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { PartDecoder } from './part-decoder.ts';
import { isRecord, type GeminiCandidate } from './wire.ts';

/**
 * Gemini `streamGenerateContent?alt=sse` chunks → IR stream events. Each chunk is a whole `GenerateContentResponse`; its parts are decoded in order
 * by the PartDecoder. The chunk with a `finishReason` ends the response (STOP with calls =
 * `tool_calls`); usage comes from the last `usageMetadata` seen (it is cumulative and early
 * chunks may even differ). A stream that ends without a `finishReason` is an error, as is a
 * candidate-less chunk with `promptFeedback.blockReason` (the prompt was blocked) or a
 * `data: {"error":…}` chunk. `decodeResponse` feeds a unary body through the same machine.
 */
export class GeminiStreamDecoder implements StreamStateMachine<SseEvent, StreamEvent> {
  private started = false;
  private ended = false;
  private readonly parts: PartDecoder;
  private usageMetadata: unknown;
  private warnedGrounding = false;

  constructor(private readonly context: ExchangeContext) {
    this.parts = new PartDecoder(context);
  }

  push(input: SseEvent): StreamEvent[] {
    if (this.ended) return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(input.data);
    } catch {
      return this.fail('Gemini sent a stream chunk that is not JSON.');
    }
    return this.pushChunk(chunk);
  }

  /** One parsed `GenerateContentResponse` (a stream chunk or a whole unary body). */
  pushChunk(chunk: unknown): StreamEvent[] {
    if (this.ended) return [];
    if (Array.isArray(chunk)) return chunk.flatMap((element) => this.pushChunk(element));
    if (!isRecord(chunk)) return this.fail('Gemini sent a stream chunk that is not an object.');
    if (chunk.error !== undefined) {
      this.ended = true;
      return [{ type: 'error', error: decodeStreamError(chunk) }];
    }
    const events = this.ensureStarted(chunk);
    if (chunk.usageMetadata !== undefined) {
      this.usageMetadata = chunk.usageMetadata;
      const usage = decodeUsage(chunk.usageMetadata);
      if (usage) events.push({ type: 'usage', usage });
    }
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates.filter(isRecord) : [];
    const feedback = isRecord(chunk.promptFeedback) ? chunk.promptFeedback : undefined;
    if (candidates.length === 0) {
      if (typeof feedback?.blockReason === 'string') return [...events, ...this.promptBlocked(feedback)];
      return events;
    }
    if (candidates.length > 1) this.context.warnings.add('candidates_dropped', `Gemini returned ${candidates.length} candidates; only the first is used.`);
    const candidate = candidates[0] as GeminiCandidate;
    if (candidate.groundingMetadata !== undefined && !this.warnedGrounding) {
      this.warnedGrounding = true;
      this.context.warnings.add('grounding_dropped', 'Gemini search grounding metadata (queries, sources) has no portable form; dropped.');
    }
    const parts = isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) events.push(...this.parts.push(part));
    if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') events.push(...this.end(candidate.finishReason));
    return events;
  }

  finish(): StreamEvent[] {
    if (this.ended) return [];
    return this.fail(this.started ? 'The Gemini stream ended without a finishReason.' : 'The Gemini stream ended before any chunk.');
  }

  private ensureStarted(chunk: Record<string, unknown>): StreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      {
        type: 'response-start',
        id: typeof chunk.responseId === 'string' ? chunk.responseId : '',
        model: typeof chunk.modelVersion === 'string' ? chunk.modelVersion : this.context.target.model,
        createdAt: Math.floor(Date.now() / 1000),
      },
    ];
  }

  private end(raw: string): StreamEvent[] {
    const events = this.parts.finish();
    this.ended = true;
    let finishReason = decodeFinishReason(raw, this.parts.hasToolCalls);
    if (this.parts.truncatedCall && finishReason.unified !== 'length') {
      finishReason = raw === 'STOP' ? { unified: 'length', raw } : finishReason;
    }
    const usage = decodeUsage(this.usageMetadata);
    events.push(usage ? { type: 'response-end', finishReason, usage } : { type: 'response-end', finishReason });
    return events;
  }

  private promptBlocked(feedback: Record<string, unknown>): StreamEvent[] {
    this.ended = true;
    const reason = String(feedback.blockReason);
    const detail = typeof feedback.blockReasonMessage === 'string' && feedback.blockReasonMessage !== '' ? ` ${feedback.blockReasonMessage}` : '';
    return [
      {
        type: 'error',
        error: {
          code: 'caller_content_policy',
          message: `Gemini blocked the prompt (blockReason ${reason}) and produced no answer.${detail}`,
          providerCode: reason,
        },
      },
    ];
  }

  private fail(message: string): StreamEvent[] {
    this.ended = true;
    return [{ type: 'error', error: { code: 'provider_error', message } }];
  }
}

export function createStreamDecoder(context: ExchangeContext): StreamStateMachine<SseEvent, StreamEvent> {
  return new GeminiStreamDecoder(context);
}
