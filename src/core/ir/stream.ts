import type { ContentBlock, PartSignature, ProviderFamily, ToolKind } from './content.ts';
import type { FinishReason, Usage } from './response.ts';
import type { GatewayErrorShape } from '../errors.ts';

/**
 * What a block is when it opens. Block indexes are per response, start at 0, and are
 * dense; at most one block is open at a time (decoders serialise interleaved upstream blocks).
 */
export type BlockStart =
  | { kind: 'text' }
  | { kind: 'refusal' }
  | { kind: 'reasoning'; family: ProviderFamily; itemId?: string }
  /** `signature`: a part signature known when the call starts (Gemini sends calls whole), so encoders that write the id first can carry it. */
  | { kind: 'tool-call'; callId: string; name: string; namespace?: string; toolKind: ToolKind; itemId?: string; signature?: PartSignature }
  | { kind: 'opaque' };

/**
 * The stream every decoder produces and every encoder consumes (noun-verb names).
 * Sequence: response-start, then (block-start, deltas, block-end)*, then exactly one of
 * response-end or error. Two exceptions: an upstream that fails before answering yields a lone
 * error (so the gateway can still fall back), and a block cut off by the output cap (finish
 * reason `length`, e.g. a half-written tool call) may end without its block-end. Every codec
 * is checked against this by test/conformance/.
 */
export type StreamEvent =
  | { type: 'response-start'; id: string; model: string; createdAt: number }
  | { type: 'block-start'; index: number; block: BlockStart }
  | { type: 'text-delta'; index: number; delta: string }
  /** Reasoning display text; `part` numbers summary parts / thinking segments within the block. */
  | { type: 'reasoning-delta'; index: number; delta: string; part: number }
  | { type: 'tool-call-delta'; index: number; delta: string }
  /** Carries the complete block, so encoders never need to re-assemble deltas. */
  | { type: 'block-end'; index: number; block: ContentBlock }
  /** Usage known so far (cumulative); the last one before response-end wins. */
  | { type: 'usage'; usage: Usage }
  | { type: 'response-end'; finishReason: FinishReason; usage?: Usage }
  | { type: 'error'; error: GatewayErrorShape };

/**
 * A small state machine turning one representation into another, fed in order: driven by the
 * pipeline's forwarding loops; tests feed arrays.
 */
export interface StreamStateMachine<In, Out> {
  push(input: In): Out[];
  finish(): Out[];
}
