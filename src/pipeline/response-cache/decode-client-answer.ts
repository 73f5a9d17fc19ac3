import type { ExchangeContext } from '../../core/dialect.ts';
import type { DialectId, ModelRequest, ModelResponse, ProviderFamily } from '../../core/ir/index.ts';
import { StreamFold } from '../../core/ir/fold-stream.ts';
import type { Surface } from '../../core/surface.ts';
import { SseDecoder } from '../../core/sse-decoder.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';

const familyOf: Record<DialectId, ProviderFamily> = {
  'openai-responses': 'openai',
  'openai-chat': 'openai',
  'anthropic-messages': 'anthropic',
  gemini: 'gemini',
  'bedrock-converse': 'anthropic',
};

/** Only these endings are complete answers worth replaying (no cap hit, no filter, no refusal, no pause). */
const storable = new Set(['stop', 'tool_calls']);

/**
 * The answer the client received, decoded back into the IR with its own dialect's decoder (the
 * same bytes whichever path made them), or undefined when it is not a complete success: an
 * error, a cut or failed stream, `incomplete`, a content filter.
 */
export function decodeClientAnswer(surface: Surface, request: ModelRequest, model: string, bytes: Buffer): ModelResponse | undefined {
  const exchange: ExchangeContext = {
    request,
    target: { model, family: familyOf[surface.dialect] },
    toolNames: ToolNameMap.fromTools(request.tools),
    warnings: new Warnings(),
  };
  let answer: ModelResponse;
  try {
    if (!request.stream) {
      answer = surface.codec.decodeResponse(JSON.parse(bytes.toString('utf8')), exchange);
    } else {
      const sse = new SseDecoder();
      const decoder = surface.codec.createStreamDecoder(exchange);
      const fold = new StreamFold();
      for (const event of [...sse.push(bytes), ...sse.finish()]) for (const decoded of decoder.push(event)) fold.push(decoded);
      for (const decoded of decoder.finish()) fold.push(decoded);
      answer = fold.result();
    }
  } catch {
    return undefined;
  }
  return storable.has(answer.finishReason.unified) ? answer : undefined;
}
