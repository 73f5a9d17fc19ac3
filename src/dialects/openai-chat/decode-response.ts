import type { ExchangeContext } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ContentBlock, ModelResponse } from '../../core/ir/index.ts';
import { readContentPieces } from './decode-message-content.ts';
import { decodeToolCall, synthesizeCallId, type WireToolCall } from './decode-tool-call.ts';
import { decodeStreamError } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/**
 * A non-stream `chat.completion` into the IR: reasoning (non-OpenAI servers), text, refusal,
 * then tool calls (names restored through the request's name map, freeform calls unwrapped).
 * An error envelope that arrives with HTTP 200 is an error, never an empty answer.
 */
export function decodeResponse(body: unknown, context: ExchangeContext): ModelResponse {
  const record = parseBody(body);
  if (record.error !== undefined && record.error !== null && !Array.isArray(record.choices)) throw new GatewayError(decodeStreamError(record));
  const choices = Array.isArray(record.choices) ? record.choices.filter(isRecord) : [];
  const choice = choices.find((entry) => entry.index === 0) ?? choices[0];
  if (choice === undefined) throw new GatewayError({ code: 'provider_error', message: 'The upstream answered without any choice.' });
  const message = isRecord(choice.message) ? choice.message : {};

  const content: ContentBlock[] = [];
  for (const piece of readContentPieces(message)) {
    const last = content[content.length - 1];
    if (piece.kind === 'text') {
      if (last?.type === 'text') last.text += piece.text;
      else content.push({ type: 'text', text: piece.text });
    } else {
      content.push({ type: 'reasoning', family: 'openai-compatible', summary: [piece.text] });
    }
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'refusal', text: message.refusal });
  for (const call of readToolCalls(message)) content.push(decodeToolCall(call, call.id ?? synthesizeCallId(), context));

  const response: ModelResponse = {
    id: typeof record.id === 'string' ? record.id : '',
    model: typeof record.model === 'string' && record.model !== '' ? record.model : context.target.model,
    createdAt: typeof record.created === 'number' && record.created > 0 ? record.created : Math.floor(Date.now() / 1000),
    content,
    finishReason: decodeStopReason(typeof choice.finish_reason === 'string' ? choice.finish_reason : 'stop', {
      hasToolCalls: content.some((block) => block.type === 'tool-call'),
      hasRefusal: content.some((block) => block.type === 'refusal'),
    }),
  };
  const usage = decodeUsage(record.usage);
  if (usage) response.usage = usage;
  return response;
}

function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new GatewayError({ code: 'provider_error', message: 'The upstream answered with a body that is not JSON.' });
    }
  }
  if (!isRecord(value)) throw new GatewayError({ code: 'provider_error', message: 'The upstream answered with a body that is not a JSON object.' });
  return value;
}

/** `tool_calls` (function or native custom) and the legacy single `function_call`. */
function readToolCalls(message: Record<string, unknown>): WireToolCall[] {
  const calls: WireToolCall[] = [];
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call)) continue;
      const id = typeof call.id === 'string' && call.id !== '' ? call.id : undefined;
      if (call.type === 'custom' && isRecord(call.custom) && typeof call.custom.name === 'string') {
        calls.push({ id, name: call.custom.name, type: 'custom', payload: typeof call.custom.input === 'string' ? call.custom.input : '' });
      } else if (isRecord(call.function) && typeof call.function.name === 'string') {
        calls.push({ id, name: call.function.name, type: 'function', payload: readArguments(call.function.arguments) });
      }
    }
  }
  if (isRecord(message.function_call) && typeof message.function_call.name === 'string') {
    calls.push({ name: message.function_call.name, type: 'function', payload: readArguments(message.function_call.arguments) });
  }
  return calls;
}

/** Arguments are a JSON string; a few servers send the object itself. */
export function readArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
