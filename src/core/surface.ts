import type { ParameterCheck } from './check-parameters.ts';
import type { DialectCodec, TargetProfile } from './dialect.ts';
import type { Warnings } from './warnings.ts';
import type { DialectId, Usage } from './ir/index.ts';
import type { PassthroughMeter } from './passthrough-meter.ts';
import type { RequestBody } from './request-body.ts';
import type { RequestTextVisitor } from './request-text.ts';

/** What routing rules and strategies may read of a request body, in any dialect. */
export interface RoutingHints {
  /** Every tool name the request declares (namespaced and nested ones included). */
  toolNames: string[];
  /** A client-chosen cache or session key in the body (Responses/Chat `prompt_cache_key`). */
  cacheKey: string | undefined;
  /** The request's `metadata` object, when the dialect has one. */
  metadata: Record<string, unknown>;
}

/**
 * Everything the rest of the gateway needs of one wire format: its codec, where its requests
 * keep the model, the stream flag and the output cap, where its answers keep usage, its
 * passthrough meter and its count-tokens answer. Each dialect folder exports one.
 */
export interface Surface {
  readonly dialect: DialectId;
  readonly codec: DialectCodec;
  readModel(body: RequestBody, url: URL): unknown;
  readStream(body: RequestBody, url: URL): boolean;
  /** The output cap the client asked for, if any (for rate-limit and budget worst cases). */
  readMaxOutputTokens(body: RequestBody): number | undefined;
  /** 400 with `param` for a parameter of the wrong type or out of its range (both paths, before routing). */
  checkParameters: ParameterCheck;
  /** How many answers the request asks for (Chat `n`, Gemini `candidateCount`): the output worst case scales with it. */
  readChoiceCount(body: RequestBody): number;
  /**
   * For a same-dialect stream: the body changed so the upstream reports usage, when the
   * dialect needs asking (Chat's `stream_options.include_usage`), or undefined. The meter
   * created with `hideUsage` then removes from the stream what the client did not ask for.
   */
  withUsageReporting?(body: RequestBody): Buffer | undefined;
  /** Usage from a same-dialect non-stream response body. */
  readUsage(body: unknown): Usage | undefined;
  /** The body for a same-dialect upstream serving `model` (the model may live in the URL instead). */
  withModel(body: RequestBody, model: string): Buffer;
  /**
   * The body with an output cap set (the gateway imposes the cap a budget reserved for when the
   * client sent none, so the answer cannot cost more than was held).
   */
  withOutputCap(body: RequestBody, tokens: number): Buffer;
  /**
   * Same-dialect path: the body rewritten for what this target cannot take (e.g. system turns
   * for a model without them), `'translate'` when only the translated path can serve it, or
   * undefined to forward it as received. Must cost no parse when nothing applies.
   */
  adaptForTarget?(body: RequestBody, target: TargetProfile, context: PassthroughAdaptContext): Buffer | 'translate' | undefined;
  /** Meter for same-dialect passthrough streams. */
  createMeter(requestedModel: string, options?: { hideUsage?: boolean }): PassthroughMeter;
  /** What routing may look at in a parsed body of this dialect. */
  readRoutingHints(body: Record<string, unknown>): RoutingHints;
  /** The dialect's count-tokens answer for an estimated count. */
  encodeTokenCount(tokens: number): unknown;
  /**
   * Visits every text of a parsed request body the provider would see (instructions, messages,
   * tool outputs, tool-call arguments, text documents; never images, ids or provider
   * signatures) and returns the body with the visitor's replacements (the same object when
   * nothing changed). Guardrails scan and redact through this, on both paths.
   */
  mapRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown>;
}

/** What a surface may read when adapting a same-dialect body. */
export interface PassthroughAdaptContext {
  warnings: Warnings;
  /** The client's request headers (e.g. `anthropic-beta`). */
  headers: Record<string, string | string[] | undefined>;
}

/** A positive integer, or undefined (output caps as clients send them). */
export function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** For dialects that always give one answer. */
export const oneChoice = (): number => 1;

/** Dialects that name the model in the body: the passthrough rewrites it there (a byte splice). */
export function withBodyModel(body: RequestBody, model: string): Buffer {
  return body.member('model') === model ? body.raw : body.withMember('model', model);
}
