import { GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import type { EncodedError } from '../../core/dialect.ts';
import type { AnthropicErrorBody, AnthropicErrorType } from './wire.ts';

/**
 * Anthropic's wording for an over-long prompt ("prompt is too long: 212345 tokens > 200000
 * maximum", "input length and `max_tokens` exceed context limit"): the caller must shorten
 * the conversation, which Codex handles specially (it compacts).
 */
const contextOverflowPattern = /prompt is too long|exceed(?:s|ed)? (?:the )?context (?:limit|window)/i;

function readErrorBody(body: unknown): { type?: string; message?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().length > 0 ? { message: body.slice(0, 500) } : {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { type, message } = error as { type?: unknown; message?: unknown };
  return {
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** An Anthropic error `type` (and the HTTP status when there is one) → a gateway code. */
export function errorCodeOf(type: string | undefined, message: string, status?: number): ErrorCode {
  if (type === 'overloaded_error' || status === 529) return 'provider_overloaded';
  if (contextOverflowPattern.test(message) && (type === undefined || type === 'invalid_request_error' || status === 400)) {
    return 'caller_context_length_exceeded';
  }
  switch (type) {
    case 'invalid_request_error':
      // Anthropic also uses this type for other 4xx statuses; the status decides below.
      if (status === undefined || status === 400 || status === 422) return 'caller_invalid_request';
      break;
    case 'authentication_error':
    case 'permission_error':
      return 'provider_authentication';
    case 'billing_error':
      return 'provider_quota_exceeded';
    case 'not_found_error':
      return 'provider_not_found';
    case 'request_too_large':
      return 'caller_request_too_large';
    case 'rate_limit_error':
      return 'provider_rate_limited';
    case 'timeout_error':
      return 'provider_timeout';
    case 'api_error':
      return 'provider_error';
    default:
      break;
  }
  if (status === undefined) return 'provider_error';
  if (status === 400 || status === 422) return 'caller_invalid_request';
  if (status === 401 || status === 403) return 'provider_authentication';
  if (status === 402) return 'provider_quota_exceeded';
  if (status === 404) return 'provider_not_found';
  if (status === 408 || status === 504) return 'provider_timeout';
  if (status === 413) return 'caller_request_too_large';
  if (status === 429) return 'provider_rate_limited';
  if (status === 503) return 'provider_overloaded';
  return status >= 400 && status < 500 ? 'caller_invalid_request' : 'provider_error';
}

/** `retry-after` (seconds or an HTTP date) or `retry-after-ms`, in whole seconds. */
function retryAfterSecondsOf(headers: Headers): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && Number.isFinite(Number(milliseconds)) && Number(milliseconds) >= 0) {
    return Math.ceil(Number(milliseconds) / 1000);
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** An Anthropic HTTP error → a gateway error (what the attempt loop classifies). */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  const { type, message } = readErrorBody(body);
  const text = message ?? `Anthropic answered HTTP ${status}.`;
  const code = errorCodeOf(type, text, status);
  // The credential is the gateway's, not the caller's: relaying "invalid x-api-key" makes
  // Claude Code tell its user "Invalid API key · Fix external API key" about a key that works.
  const shape: GatewayErrorShape = {
    code,
    message: code === 'provider_authentication' ? `The upstream rejected the gateway's credentials (HTTP ${status}).` : text,
  };
  if (type !== undefined) shape.providerType = type;
  const retryAfter = retryAfterSecondsOf(headers);
  if (retryAfter !== undefined && (status === 429 || status === 529 || status === 503)) shape.retryAfterSeconds = retryAfter;
  return new GatewayError(shape);
}

/** A mid-stream `event: error` payload → the shape carried by a StreamEvent `error`. */
export function decodeStreamError(payload: unknown): GatewayErrorShape {
  const { type, message } = readErrorBody(payload);
  const text = message ?? 'The Anthropic stream reported an error.';
  const shape: GatewayErrorShape = { code: errorCodeOf(type, text), message: text };
  if (type !== undefined) shape.providerType = type;
  return shape;
}

/** Status and Anthropic error type per gateway code (the statuses every surface answers with, in Anthropic's words). */
const wireErrorOf: Record<ErrorCode, { status: number; type: AnthropicErrorType }> = {
  caller_invalid_request: { status: 400, type: 'invalid_request_error' },
  caller_request_too_large: { status: 413, type: 'request_too_large' },
  caller_context_length_exceeded: { status: 400, type: 'invalid_request_error' },
  caller_unsupported: { status: 400, type: 'invalid_request_error' },
  caller_content_policy: { status: 400, type: 'invalid_request_error' },
  policy_invalid_api_key: { status: 401, type: 'authentication_error' },
  policy_model_not_allowed: { status: 403, type: 'permission_error' },
  policy_model_not_found: { status: 404, type: 'not_found_error' },
  policy_rate_limited: { status: 429, type: 'rate_limit_error' },
  policy_budget_exceeded: { status: 429, type: 'rate_limit_error' },
  policy_secret_detected: { status: 400, type: 'invalid_request_error' },
  policy_forbidden: { status: 403, type: 'permission_error' },
  provider_error: { status: 502, type: 'api_error' },
  // 529 is Anthropic's own overload status; Claude Code retries it with backoff.
  provider_overloaded: { status: 529, type: 'overloaded_error' },
  provider_timeout: { status: 504, type: 'timeout_error' },
  provider_rate_limited: { status: 429, type: 'rate_limit_error' },
  provider_quota_exceeded: { status: 429, type: 'rate_limit_error' },
  // The gateway's upstream credential failed, not the caller's key: a server-side error.
  provider_authentication: { status: 502, type: 'api_error' },
  provider_not_found: { status: 404, type: 'not_found_error' },
  provider_bad_response: { status: 502, type: 'api_error' },
  routing_all_targets_failed: { status: 502, type: 'api_error' },
  routing_no_healthy_target: { status: 503, type: 'overloaded_error' },
  gateway_internal: { status: 500, type: 'api_error' },
  gateway_unavailable: { status: 503, type: 'overloaded_error' },
  gateway_budget_store_unavailable: { status: 503, type: 'overloaded_error' },
};

/**
 * Codes where retrying cannot help: tell SDKs not to (they honour `x-should-retry`). An
 * upstream credential failure is a 502, which Claude Code otherwise retries for minutes
 * (observed: still retrying after 120 s); only an operator fixing the key helps.
 */
const noRetryCodes: ReadonlySet<ErrorCode> = new Set(['policy_budget_exceeded', 'provider_quota_exceeded', 'provider_authentication']);

export function anthropicErrorTypeOf(code: ErrorCode): AnthropicErrorType {
  return wireErrorOf[code].type;
}

/** A gateway error → Anthropic's `{type:"error", error:{type, message}}` with its status. */
export function encodeError(error: GatewayErrorShape): EncodedError {
  const wire = wireErrorOf[error.code] ?? wireErrorOf.gateway_internal;
  const body: AnthropicErrorBody = { type: 'error', error: { type: wire.type, message: error.message } };
  const headers: Record<string, string> = {};
  // An exhausted budget says when it resets, while x-should-retry keeps clients from retrying.
  if (error.retryAfterSeconds !== undefined && (!noRetryCodes.has(error.code) || error.code === 'policy_budget_exceeded')) {
    headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  }
  if (noRetryCodes.has(error.code)) headers['x-should-retry'] = 'false';
  return { status: wire.status, body, headers };
}
