import type { ClientContext } from '../../core/dialect.ts';
import type { ContentBlock, ModelResponse, ReasoningBlock, ToolCallBlock } from '../../core/ir/index.ts';
import { requestedIncludeThoughts } from './gemini-extension.ts';
import { encodeFinishReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './wire.ts';
import { clientToolName, toolCallArguments } from '../shared/tool-calls.ts';
import { carriesSecret, sealReasoning } from '../shared/carried-reasoning.ts';

/** Whether thought text goes to this client: only when it asked `includeThoughts`, as Gemini does. */
export function wantsThoughts(context: ClientContext): boolean {
  return requestedIncludeThoughts(context.request) === true;
}

/**
 * One response block as a Gemini part, or undefined. Signatures of family `gemini` go back
 * as `thoughtSignature` on the same part; thought text only when the client asked for it;
 * the call id travels in `functionCall.id` so the client can echo it in its response.
 */
export function encodeClientPart(block: ContentBlock, thoughts: boolean): GeminiPart | undefined {
  switch (block.type) {
    case 'text': {
      const signature = block.signature?.family === 'gemini' ? block.signature.value : undefined;
      if (block.text === '' && signature === undefined) return undefined;
      return signature === undefined ? { text: block.text } : { text: block.text, thoughtSignature: signature };
    }
    case 'refusal':
      return block.text === '' ? undefined : { text: block.text };
    case 'reasoning': {
      const signature = block.family === 'gemini' && block.signature ? block.signature : undefined;
      const text = thoughts ? block.summary.join('') : '';
      if (text === '' && signature === undefined) return undefined;
      return signature === undefined ? { text, thought: true } : { text, thought: true, thoughtSignature: signature };
    }
    case 'tool-call': {
      const part: GeminiPart = { functionCall: { name: clientToolName(block, 128), args: toolCallArguments(block) ?? {}, id: block.callId } };
      if (block.signature?.family === 'gemini') part.thoughtSignature = block.signature.value;
      return part;
    }
    case 'image':
      return block.source.kind === 'base64' ? { inlineData: { mimeType: block.source.mediaType, data: block.source.data } } : undefined;
    case 'opaque':
      return block.dialect === 'gemini' && typeof block.value === 'object' && block.value !== null ? (block.value as GeminiPart) : undefined;
    default:
      return undefined;
  }
}

/**
 * Another family's reasoning secrets (Anthropic signatures, OpenAI `encrypted_content`) for a
 * Gemini client: Gemini CLI drops thought parts from its history and keeps the
 * `thoughtSignature` of the others, so the secrets are sealed into the signature of the next
 * non-thought part (the call or text they led to), or of an empty text part at the end.
 */
export class ReasoningCarrier {
  private held: ReasoningBlock[] = [];

  /** Keeps a reasoning block that has a secret; true when it did. */
  hold(block: ContentBlock): boolean {
    if (block.type !== 'reasoning' || block.family === 'gemini' || !carriesSecret(block)) return false;
    this.held.push(block);
    return true;
  }

  /** Puts what is held onto a non-thought part that has no signature of its own. */
  attach(part: GeminiPart): GeminiPart {
    if (this.held.length === 0 || part.thought === true || part.thoughtSignature !== undefined) return part;
    part.thoughtSignature = sealReasoning(this.held);
    this.held = [];
    return part;
  }

  /** What is still held, as an empty signed text part. */
  rest(): GeminiPart[] {
    return this.held.length === 0 ? [] : [this.attach({ text: '' })];
  }
}

/** IR response → a `GenerateContentResponse`, named after the model the client asked for. */
export function encodeResponse(response: ModelResponse, context: ClientContext): GeminiGenerateContentResponse {
  const thoughts = wantsThoughts(context);
  const carrier = new ReasoningCarrier();
  const parts: GeminiPart[] = [];
  for (const block of response.content) {
    carrier.hold(block);
    const part = encodeClientPart(block, thoughts);
    if (part !== undefined) parts.push(carrier.attach(part));
  }
  parts.push(...carrier.rest());
  const candidate: GeminiCandidate = {
    content: parts.length > 0 ? { role: 'model', parts } : { role: 'model' },
    finishReason: encodeFinishReason(response.finishReason),
    index: 0,
  };
  return {
    candidates: [candidate],
    usageMetadata: encodeUsage(response.usage),
    modelVersion: context.requestedModel,
    responseId: response.id || context.requestId,
  };
}
