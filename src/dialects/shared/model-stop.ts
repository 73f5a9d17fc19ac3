import type { GatewayErrorShape } from '../../core/errors.ts';
import type { ContentBlock, FinishReason } from '../../core/ir/index.ts';

/**
 * Stops that are not a normal answer, said the same way on every client surface: a model that
 * ended without a usable answer (Gemini `MALFORMED_FUNCTION_CALL`, `UNEXPECTED_TOOL_CALL`…: the
 * unified `error`) is a failure everywhere — Responses `response.failed`, a Chat or Anthropic
 * in-stream error, an HTTP error for a non-stream call — never a silent empty `stop`.
 */
export function modelStopError(finishReason: FinishReason): GatewayErrorShape | undefined {
  if (finishReason.unified !== 'error') return undefined;
  return { code: 'provider_error', message: `The model stopped with an error (${finishReason.raw ?? 'error'}).` };
}

/**
 * A provider that stopped *because* it refused (Anthropic `stop_reason: "refusal"`) often sends
 * no refusal text: the OpenAI surfaces still get a refusal (a Responses `refusal` part, Chat
 * `refusal`), with this text when the model wrote none.
 */
export function refusalStopText(finishReason: FinishReason, content: readonly ContentBlock[]): string | undefined {
  if (finishReason.unified !== 'refusal' || content.some((block) => block.type === 'refusal')) return undefined;
  return `The model declined to answer (stop reason: ${finishReason.raw ?? 'refusal'}).`;
}
