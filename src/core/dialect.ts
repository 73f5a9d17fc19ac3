import type { ModelRequest } from './ir/request.ts';
import type { ModelResponse } from './ir/response.ts';
import type { StreamEvent, StreamStateMachine } from './ir/stream.ts';
import type { DialectId, ProviderFamily, ReasoningEffort } from './ir/index.ts';
import type { GatewayError, GatewayErrorShape } from './errors.ts';
import type { SseEvent } from './sse-decoder.ts';
import type { Warnings } from './warnings.ts';
import type { ToolNameMap } from './tool-names.ts';

/** What an encoder needs to know about the target it writes for. */
export interface TargetProfile {
  /** The model name the provider expects. */
  model: string;
  family: ProviderFamily;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Reasoning effort to apply when the caller sent none (per-model config). */
  defaultReasoningEffort?: ReasoningEffort;
  /** Whether the model reasons at all (drop `reasoning`/`include` otherwise). */
  supportsReasoning?: boolean;
  /** false: the gateway places no Anthropic cache breakpoints for this model (`cache.prompt_caching`, decision 0012). */
  promptCaching?: boolean;
  /** Provider quirks (e.g. `developer_role: false`, `images: false`) from the provider file. */
  quirks?: Record<string, unknown>;
}

/** State shared by an outbound request encoding and the decoding of its answer. */
export interface ExchangeContext {
  request: ModelRequest;
  target: TargetProfile;
  toolNames: ToolNameMap;
  warnings: Warnings;
}

/** What a client-side encoder needs: the caller's own view of the exchange. */
export interface ClientContext {
  /** The model name the client asked for (echoed back, never the served one). */
  requestedModel: string;
  request: ModelRequest;
  warnings: Warnings;
  /** The gateway request id, for ids in synthesized responses. */
  requestId: string;
}

export interface EncodedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * One codec per wire format, both halves: inbound (client → IR → client) and outbound
 * (IR → provider → IR).
 */
export interface DialectCodec {
  readonly id: DialectId;
  // Inbound half: what a client sends and receives.
  decodeRequest(body: unknown, warnings: Warnings): ModelRequest;
  encodeResponse(response: ModelResponse, context: ClientContext): unknown;
  createStreamEncoder(context: ClientContext): StreamStateMachine<StreamEvent, string>;
  encodeError(error: GatewayErrorShape): EncodedError;
  // Outbound half: what a provider receives and answers.
  encodeRequest(context: ExchangeContext): Record<string, unknown>;
  decodeResponse(body: unknown, context: ExchangeContext): ModelResponse;
  createStreamDecoder(context: ExchangeContext): StreamStateMachine<SseEvent, StreamEvent>;
  decodeError(status: number, body: unknown, headers: Headers): GatewayError;
}
