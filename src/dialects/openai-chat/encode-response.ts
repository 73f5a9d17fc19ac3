import type { ClientContext } from '../../core/dialect.ts';
import type { ModelResponse, PartSignature, ToolCallBlock } from '../../core/ir/index.ts';
import { sealCallId } from '../shared/carried-reasoning.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { ChatCompletion, ChatToolCall } from './wire.ts';
import { clientToolName } from '../shared/tool-calls.ts';
import { GatewayError } from '../../core/errors.ts';
import { modelStopError, refusalStopText } from '../shared/model-stop.ts';

/** Text blocks of one answer are separated like paragraphs, in unary and stream alike. */
export const textBlockSeparator = '\n\n';

/**
 * A complete IR response as the `chat.completion` a Chat client gets: `model` is what it asked
 * for, text blocks joined, the refusal in `refusal`, calls in `tool_calls`, and reasoning
 * display text in `reasoning_content` (what vLLM and DeepSeek clients read; OpenAI clients
 * ignore the field).
 */
export function encodeResponse(response: ModelResponse, context: ClientContext): ChatCompletion {
  // Chat has no failed completion: a model that stopped without an answer is an HTTP error.
  const stopError = modelStopError(response.finishReason);
  if (stopError) throw new GatewayError(stopError);
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of response.content) {
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'refusal':
        refusals.push(block.text);
        break;
      case 'reasoning': {
        const text = block.summary.length > 0 ? block.summary.join('') : (block.text ?? []).join('');
        if (text !== '') reasoning.push(text);
        break;
      }
      case 'tool-call':
        toolCalls.push(encodeClientToolCall(block, context));
        break;
      default:
        context.warnings.add(
          'content_dropped',
          `A ${block.type === 'opaque' ? `${block.dialect} opaque` : block.type} output block has no Chat Completions form; dropped.`,
        );
    }
  }
  const refusal = refusalStopText(response.finishReason, response.content);
  if (refusal !== undefined) refusals.push(refusal);
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join(textBlockSeparator) : toolCalls.length > 0 || refusals.length > 0 ? null : '',
    refusal: refusals.length > 0 ? refusals.join(textBlockSeparator) : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join(textBlockSeparator);
  const completion: ChatCompletion = {
    id: chatCompletionId(response.id, context.requestId),
    object: 'chat.completion',
    created: toSeconds(response.createdAt),
    model: context.requestedModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeStopReason(response.finishReason) }],
  };
  if (response.usage) completion.usage = encodeUsage(response.usage);
  return completion;
}

/** An upstream `chatcmpl-…` id is kept; other dialects' ids become one from the gateway request id. */
export function chatCompletionId(upstreamId: string, requestId: string): string {
  return upstreamId.startsWith('chatcmpl-') ? upstreamId : `chatcmpl-${requestId.replace(/[^a-zA-Z0-9_-]/g, '') || 'switchyard'}`;
}

/** Chat `created` is in seconds; tolerate an IR value in milliseconds. */
export function toSeconds(createdAt: number): number {
  if (!Number.isFinite(createdAt) || createdAt <= 0) return Math.floor(Date.now() / 1000);
  return Math.floor(createdAt > 1e12 ? createdAt / 1000 : createdAt);
}

/**
 * Whether a freeform call goes to the client natively (`type: "custom"`): only when it declared
 * that tool as custom itself; otherwise as a function taking `{"input": …}`.
 */
export function isNativeCustomCall(block: Pick<ToolCallBlock, 'name' | 'kind'>, context: ClientContext): boolean {
  return block.kind === 'custom' && context.request.tools.some((tool) => tool.kind === 'custom' && tool.name === block.name);
}

export function encodeClientToolCall(block: ToolCallBlock, context: ClientContext): ChatToolCall {
  const name = clientToolName(block);
  const id = clientCallId(block.callId, block.signature);
  if (isNativeCustomCall(block, context)) return { id, type: 'custom', custom: { name, input: block.input } };
  const argumentsText = block.kind === 'custom' ? JSON.stringify({ input: block.input }) : block.input;
  return { id, type: 'function', function: { name, arguments: argumentsText } };
}

/**
 * The id a Chat client sees for a call: a call that carries a Gemini thought signature (Gemini 3
 * refuses function-call history without it) gets a sealed id holding both, since every Chat
 * client echoes the id verbatim in the call and in its `tool` result; the request decoder
 * opens it again (`unsealCallId`). Other calls keep their id.
 */
export function clientCallId(callId: string, signature: PartSignature | undefined): string {
  return signature?.family === 'gemini' ? sealCallId(callId, signature) : callId;
}
