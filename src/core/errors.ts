/**
 * The closed error vocabulary, grouped by who is at fault. Each dialect's `errors.ts`
 * encodes these into its own wire shape and decodes provider errors into them.
 * The status table is a `Record` over the union, so adding a code without a status fails
 * to compile.
 */
export type ErrorCode =
  // caller_*: the request itself is wrong; never retried, never falls back.
  | 'caller_invalid_request'
  | 'caller_request_too_large'
  | 'caller_context_length_exceeded'
  | 'caller_unsupported'
  | 'caller_content_policy'
  // policy_*: the gateway's own rules said no.
  | 'policy_invalid_api_key'
  | 'policy_model_not_allowed'
  | 'policy_model_not_found'
  | 'policy_rate_limited'
  | 'policy_budget_exceeded'
  | 'policy_secret_detected'
  | 'policy_forbidden'
  // provider_*: the upstream failed.
  | 'provider_error'
  | 'provider_overloaded'
  | 'provider_timeout'
  | 'provider_rate_limited'
  | 'provider_quota_exceeded'
  | 'provider_authentication'
  | 'provider_not_found'
  /** The upstream answered something that is not a model answer (HTML, a redirect, oversized, truncated). */
  | 'provider_bad_response'
  // routing_*: no target could be used.
  | 'routing_all_targets_failed'
  | 'routing_no_healthy_target'
  // gateway_*: our own bug or state.
  | 'gateway_internal'
  | 'gateway_unavailable'
  // The store behind budgets cannot answer (locked, down): fail closed, the caller retries.
  | 'gateway_budget_store_unavailable';

export const errorStatus: Record<ErrorCode, number> = {
  caller_invalid_request: 400,
  caller_request_too_large: 413,
  caller_context_length_exceeded: 400,
  caller_unsupported: 400,
  caller_content_policy: 400,
  policy_invalid_api_key: 401,
  policy_model_not_allowed: 403,
  policy_model_not_found: 404,
  policy_rate_limited: 429,
  policy_budget_exceeded: 429,
  policy_secret_detected: 400,
  policy_forbidden: 403,
  provider_error: 502,
  provider_overloaded: 503,
  provider_timeout: 504,
  provider_rate_limited: 429,
  provider_quota_exceeded: 429,
  provider_authentication: 502,
  provider_not_found: 404,
  provider_bad_response: 502,
  routing_all_targets_failed: 502,
  routing_no_healthy_target: 503,
  gateway_internal: 500,
  gateway_unavailable: 503,
  gateway_budget_store_unavailable: 503,
};

/**
 * What a failure means for the attempt loop: retry the same target, fall back to the next,
 * or return at once. A caller fault never falls back (a 400 stays a 400).
 */
export type FailureClass = 'transient' | 'rate-limit' | 'credential' | 'quota' | 'caller-fault' | 'fatal';

export const failureClassOf: Record<ErrorCode, FailureClass> = {
  caller_invalid_request: 'caller-fault',
  caller_request_too_large: 'caller-fault',
  caller_context_length_exceeded: 'caller-fault',
  caller_unsupported: 'caller-fault',
  caller_content_policy: 'caller-fault',
  policy_invalid_api_key: 'fatal',
  policy_model_not_allowed: 'fatal',
  policy_model_not_found: 'fatal',
  policy_rate_limited: 'fatal',
  policy_budget_exceeded: 'fatal',
  policy_secret_detected: 'fatal',
  policy_forbidden: 'fatal',
  provider_error: 'transient',
  provider_overloaded: 'transient',
  provider_timeout: 'transient',
  provider_rate_limited: 'rate-limit',
  provider_quota_exceeded: 'quota',
  provider_authentication: 'credential',
  provider_not_found: 'caller-fault',
  // Another target may well answer properly (a captive portal or a broken proxy is per route).
  provider_bad_response: 'transient',
  routing_all_targets_failed: 'fatal',
  routing_no_healthy_target: 'fatal',
  gateway_internal: 'fatal',
  gateway_unavailable: 'transient',
  gateway_budget_store_unavailable: 'fatal',
};

/** The plain data of an error: safe to put in a stream event, a log row or a trace. */
export interface GatewayErrorShape {
  code: ErrorCode;
  message: string;
  /** HTTP status to answer with (defaults to the table). */
  status?: number;
  /** The request field at fault, when known. */
  param?: string;
  /** Seconds the caller should wait (429/503). */
  retryAfterSeconds?: number;
  /** The provider's own error type/code, for logs and faithful same-dialect errors. */
  providerType?: string;
  providerCode?: string;
  /** Anything dialect encoders may want (e.g. the budget scope and reset time). */
  details?: Record<string, unknown>;
  /** The error this one wraps (ES2022 `cause`); never serialised to clients. */
  cause?: unknown;
}

export class GatewayError extends Error implements GatewayErrorShape {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param?: string;
  readonly retryAfterSeconds?: number;
  readonly providerType?: string;
  readonly providerCode?: string;
  readonly details?: Record<string, unknown>;

  constructor(shape: GatewayErrorShape) {
    super(shape.message, shape.cause === undefined ? undefined : { cause: shape.cause });
    this.name = 'GatewayError';
    this.code = shape.code;
    this.status = shape.status ?? errorStatus[shape.code];
    if (shape.param !== undefined) this.param = shape.param;
    if (shape.retryAfterSeconds !== undefined) this.retryAfterSeconds = shape.retryAfterSeconds;
    if (shape.providerType !== undefined) this.providerType = shape.providerType;
    if (shape.providerCode !== undefined) this.providerCode = shape.providerCode;
    if (shape.details !== undefined) this.details = shape.details;
  }

  get failureClass(): FailureClass {
    return failureClassOf[this.code];
  }

  toShape(): GatewayErrorShape {
    const shape: GatewayErrorShape = { code: this.code, message: this.message, status: this.status };
    if (this.param !== undefined) shape.param = this.param;
    if (this.retryAfterSeconds !== undefined) shape.retryAfterSeconds = this.retryAfterSeconds;
    if (this.providerType !== undefined) shape.providerType = this.providerType;
    if (this.providerCode !== undefined) shape.providerCode = this.providerCode;
    if (this.details !== undefined) shape.details = this.details;
    return shape;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Shorthand for the most common caller fault: a malformed request naming the field. */
export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError(param === undefined ? { code: 'caller_invalid_request', message } : { code: 'caller_invalid_request', message, param });
}
