import { errorStatus, GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import type { EncodedError } from '../../core/dialect.ts';
import { isRecord, type ResponsesErrorBody } from './wire.ts';

/** `type` / `code` per gateway code on the Responses surface (contract.md §4). */
const WIRE_ERRORS: Record<ErrorCode, { type: string; code: string | null }> = {
  caller_invalid_request: { type: 'invalid_request_error', code: null },
  caller_request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  caller_context_length_exceeded: { type: 'invalid_request_error', code: 'context_length_exceeded' },
  caller_unsupported: { type: 'invalid_request_error', code: 'unsupported_parameter' },
  // Codex shows an `invalid_prompt` message as is and does not retry it.
  caller_content_policy: { type: 'invalid_request_error', code: 'invalid_prompt' },
  policy_invalid_api_key: { type: 'invalid_request_error', code: 'invalid_api_key' },
  policy_model_not_allowed: { type: 'invalid_request_error', code: 'model_not_allowed' },
  policy_model_not_found: { type: 'invalid_request_error', code: 'model_not_found' },
  policy_rate_limited: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
  policy_budget_exceeded: { type: 'insufficient_quota', code: 'insufficient_quota' },
  policy_secret_detected: { type: 'invalid_prompt', code: 'secret_detected' },
  policy_forbidden: { type: 'permission_error', code: 'forbidden' },
  provider_error: { type: 'server_error', code: 'upstream_error' },
  provider_overloaded: { type: 'server_error', code: 'server_is_overloaded' },
  provider_timeout: { type: 'server_error', code: 'upstream_timeout' },
  provider_rate_limited: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
  provider_quota_exceeded: { type: 'insufficient_quota', code: 'insufficient_quota' },
  provider_authentication: { type: 'server_error', code: 'upstream_error' },
  provider_not_found: { type: 'invalid_request_error', code: 'model_not_found' },
  provider_bad_response: { type: 'server_error', code: 'upstream_bad_response' },
  routing_all_targets_failed: { type: 'server_error', code: 'upstream_error' },
  routing_no_healthy_target: { type: 'server_error', code: 'server_is_overloaded' },
  gateway_internal: { type: 'server_error', code: 'server_error' },
  gateway_unavailable: { type: 'server_error', code: 'server_is_overloaded' },
  gateway_budget_store_unavailable: { type: 'server_error', code: 'budget_store_unavailable' },
};

/** An error body, status and headers in the OpenAI shape, for the Responses surface. */
export function encodeError(error: GatewayErrorShape): EncodedError {
  const wire = WIRE_ERRORS[error.code];
  const headers: Record<string, string> = {};
  let message = error.message;
  let code = wire.code;
  // A caller fault relayed from an OpenAI-style upstream keeps its precise code
  // (`decimal_below_min_value`, `unsupported_parameter`…); other dialects' codes are not ours.
  if ((error.code === 'caller_invalid_request' || error.code === 'caller_unsupported') && isOpenAiCode(error.providerCode)) {
    code = error.providerCode;
  }
  if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds >= 0) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds));
    headers['retry-after'] = String(seconds);
    // Codex reads the delay from the message (`try again in\s*(\d+…)\s*(s|ms|seconds?)`) and
    // retries; an exhausted budget only says when it resets, in the header.
    if (error.code !== 'policy_budget_exceeded' && !/try again in/i.test(message)) message = `${message.trimEnd()} Please try again in ${seconds}s.`;
  }
  if (error.code === 'policy_budget_exceeded' || error.code === 'provider_quota_exceeded') {
    headers['x-should-retry'] = 'false';
  }
  const body: ResponsesErrorBody = { error: { message, type: wire.type, code, param: error.param ?? null } };
  return { status: error.status ?? errorStatus[error.code], body, headers };
}

/**
 * The `response.failed` `error.code` for a failure after the stream started: one of the codes
 * Codex classifies (§12.4); anything else becomes a retryable `server_error`.
 */
export function encodeFailedEventCode(error: GatewayErrorShape): string {
  switch (error.code) {
    case 'caller_context_length_exceeded':
      return 'context_length_exceeded';
    case 'policy_budget_exceeded':
    case 'provider_quota_exceeded':
      return 'insufficient_quota';
    case 'policy_rate_limited':
    case 'provider_rate_limited':
      return 'rate_limit_exceeded';
    case 'provider_overloaded':
    case 'routing_no_healthy_target':
    case 'gateway_unavailable':
    case 'gateway_budget_store_unavailable':
      return 'server_is_overloaded';
    case 'caller_invalid_request':
    case 'caller_request_too_large':
    case 'caller_unsupported':
    case 'caller_content_policy':
    case 'policy_secret_detected':
    case 'policy_invalid_api_key':
    case 'policy_model_not_allowed':
    case 'policy_model_not_found':
    case 'policy_forbidden':
      return 'invalid_prompt';
    default:
      return 'server_error';
  }
}

/** The nested `error` stream event payload's inner object (what OpenAI really sends, §12.3). */
export function encodeStreamErrorObject(error: GatewayErrorShape): ResponsesErrorBody['error'] {
  const encoded = encodeError(error).body as ResponsesErrorBody;
  return { ...encoded.error, code: encodeFailedEventCode(error) };
}

/** An OpenAI-shaped HTTP error from the upstream, as a gateway error. */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  const wire = readErrorObject(body);
  const providerCode = wire.code;
  const providerType = wire.type;
  const message = scrubSecrets(wire.message ?? `The upstream answered HTTP ${status}.`);
  const base: Omit<GatewayErrorShape, 'code'> = { message };
  if (providerType !== undefined) base.providerType = providerType;
  if (providerCode !== undefined) base.providerCode = providerCode;
  if (wire.param !== undefined) base.param = wire.param;
  const retryAfterSeconds = readRetryAfter(headers) ?? readRetryFromMessage(message);

  if (status === 400 || status === 404) {
    if (providerCode === 'context_length_exceeded') return new GatewayError({ ...base, code: 'caller_context_length_exceeded' });
    if (providerCode === 'model_not_found' || status === 404) return new GatewayError({ ...base, code: 'provider_not_found' });
    return new GatewayError({ ...base, code: 'caller_invalid_request' });
  }
  if (status === 401 || status === 403) {
    // The credential is the gateway's, not the caller's: say so without relaying the upstream text.
    const shape: GatewayErrorShape = { code: 'provider_authentication', message: `The upstream rejected the gateway's credentials (HTTP ${status}).` };
    if (providerType !== undefined) shape.providerType = providerType;
    if (providerCode !== undefined) shape.providerCode = providerCode;
    return new GatewayError(shape);
  }
  if (status === 413) return new GatewayError({ ...base, code: 'caller_request_too_large' });
  if (status === 429) {
    if (providerCode === 'insufficient_quota' || providerType === 'insufficient_quota') {
      return new GatewayError({ ...base, code: 'provider_quota_exceeded' });
    }
    return new GatewayError(withRetry({ ...base, code: 'provider_rate_limited' }, retryAfterSeconds));
  }
  if (status === 503) return new GatewayError(withRetry({ ...base, code: 'provider_overloaded' }, retryAfterSeconds));
  if (status === 504) return new GatewayError({ ...base, code: 'provider_timeout' });
  if (status >= 400 && status < 500) return new GatewayError({ ...base, code: 'caller_invalid_request', status: 400 });
  return new GatewayError({ ...base, code: 'provider_error' });
}

/**
 * A failure reported inside a stream (`error` event, `response.failed`, or a non-stream body with
 * `status: "failed"`), mapped by its Responses error code.
 */
export function decodeResponseFailure(raw: unknown): GatewayErrorShape {
  const wire = readErrorObject(isRecord(raw) && isRecord(raw.error) ? raw : { error: raw });
  const message = scrubSecrets(wire.message ?? 'The upstream response failed.');
  const shape: GatewayErrorShape = { code: failureCode(wire.code ?? (wire.type === 'error' ? undefined : wire.type)), message };
  // A flat `error` event's own `type` is just "error", not a provider error type.
  if (wire.type !== undefined && wire.type !== 'error') shape.providerType = wire.type;
  if (wire.code !== undefined) shape.providerCode = wire.code;
  if (wire.param !== undefined) shape.param = wire.param;
  if (shape.code === 'provider_rate_limited') {
    const seconds = readRetryFromMessage(message);
    if (seconds !== undefined) shape.retryAfterSeconds = seconds;
  }
  return shape;
}

function failureCode(code: string | undefined): ErrorCode {
  switch (code) {
    case 'context_length_exceeded':
      return 'caller_context_length_exceeded';
    case 'insufficient_quota':
      return 'provider_quota_exceeded';
    case 'rate_limit_exceeded':
      return 'provider_rate_limited';
    case 'server_is_overloaded':
    case 'slow_down':
      return 'provider_overloaded';
    case 'invalid_prompt':
      return 'caller_content_policy';
    case 'model_not_found':
      return 'provider_not_found';
    case 'invalid_api_key':
      return 'provider_authentication';
    default:
      return 'provider_error';
  }
}

interface WireErrorFields {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

function readErrorObject(body: unknown): WireErrorFields {
  const inner = isRecord(body) && isRecord(body.error) ? body.error : isRecord(body) ? body : {};
  const fields: WireErrorFields = {};
  if (typeof inner.message === 'string') fields.message = inner.message;
  if (typeof inner.type === 'string') fields.type = inner.type;
  if (typeof inner.code === 'string') fields.code = inner.code;
  else if (typeof inner.code === 'number') fields.code = String(inner.code);
  if (typeof inner.param === 'string') fields.param = inner.param;
  if (fields.message === undefined && typeof body === 'string' && body.length > 0) fields.message = body.slice(0, 500);
  return fields;
}

function withRetry(shape: GatewayErrorShape, seconds: number | undefined): GatewayErrorShape {
  return seconds === undefined ? shape : { ...shape, retryAfterSeconds: seconds };
}

function readRetryAfter(headers: Headers): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - Date.now()) / 1000);
}

/** The same pattern Codex applies to messages ("Please try again in 1.5s" / "in 200ms"). */
export function readRetryFromMessage(message: string): number | undefined {
  const match = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|s|seconds?)\b/i.exec(message);
  if (!match || match[1] === undefined) return undefined;
  const amount = Number(match[1]);
  return match[2]?.toLowerCase() === 'ms' ? amount / 1000 : amount;
}

function isOpenAiCode(code: string | undefined): code is string {
  return code !== undefined && /^[a-z][a-z0-9_]*$/.test(code);
}

/** Upstream messages can quote (partly masked) keys: "Incorrect API key provided: sk-ab***yz". */
function scrubSecrets(message: string): string {
  return message.replace(/\b(?:sk|rk|pk|sess)-[A-Za-z0-9_\-*.]{4,}/g, '[redacted]').replace(/\bBearer\s+[A-Za-z0-9_\-.~+/=]+/gi, 'Bearer [redacted]');
}
