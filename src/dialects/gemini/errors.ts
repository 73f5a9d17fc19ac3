import { GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import type { EncodedError } from '../../core/dialect.ts';
import { isRecord, type GeminiErrorBody, type GeminiErrorStatus } from './wire.ts';

const retryInfoType = 'type.googleapis.com/google.rpc.RetryInfo';
const quotaFailureType = 'type.googleapis.com/google.rpc.QuotaFailure';
const errorInfoType = 'type.googleapis.com/google.rpc.ErrorInfo';

/** "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576)." */
const contextOverflowPattern = /input token count.*exceeds|exceeds the maximum number of tokens/i;
/** A bad key is a 400 INVALID_ARGUMENT "API key not valid. Please pass a valid API key." (§12.2). */
const badKeyPattern = /API key not valid|API_KEY_INVALID|API key expired/i;

interface ReadError {
  code?: number;
  status?: string;
  message?: string;
  details: unknown[];
}

/** The `error` object of a Google error body (a JSON string, an object, or a one-element array stream). */
function readErrorBody(body: unknown): ReadError {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().length > 0 ? { message: body.slice(0, 500), details: [] } : { details: [] };
    }
  }
  if (Array.isArray(value)) value = value[0];
  const error = isRecord(value) ? value.error : undefined;
  if (!isRecord(error)) return { details: [] };
  return {
    ...(typeof error.code === 'number' ? { code: error.code } : {}),
    ...(typeof error.status === 'string' ? { status: error.status } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    details: Array.isArray(error.details) ? error.details : [],
  };
}

function detailOf(details: unknown[], type: string): Record<string, unknown> | undefined {
  return details.find((detail): detail is Record<string, unknown> => isRecord(detail) && detail['@type'] === type);
}

/** `RetryInfo.retryDelay` ("34.4s") in whole seconds, rounded up. */
function retryDelaySecondsOf(details: unknown[]): number | undefined {
  const delay = detailOf(details, retryInfoType)?.retryDelay;
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match ? Math.ceil(Number(match[1])) : undefined;
}

function retryAfterHeaderOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/** A daily quota cannot be waited out within a request: it is a quota failure, not a rate limit. */
function isDailyQuota(details: unknown[]): boolean {
  const violations = detailOf(details, quotaFailureType)?.violations;
  if (!Array.isArray(violations) || violations.length === 0) return false;
  return violations.every((violation) => isRecord(violation) && typeof violation.quotaId === 'string' && /PerDay|Daily/i.test(violation.quotaId));
}

/** A Google error (canonical `status` and HTTP code) → a gateway code. */
export function errorCodeOf(status: string | undefined, httpStatus: number | undefined, message: string, details: unknown[] = []): ErrorCode {
  if (badKeyPattern.test(message) || detailOf(details, errorInfoType)?.reason === 'API_KEY_INVALID') return 'provider_authentication';
  if (contextOverflowPattern.test(message)) return 'caller_context_length_exceeded';
  switch (status) {
    case 'INVALID_ARGUMENT':
      return httpStatus === 413 ? 'caller_request_too_large' : 'caller_invalid_request';
    case 'FAILED_PRECONDITION':
      // "User location is not supported", "free tier not available … enable billing": the
      // gateway's key or project cannot serve this, another target may.
      return 'provider_authentication';
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return 'provider_authentication';
    case 'NOT_FOUND':
      return 'provider_not_found';
    case 'RESOURCE_EXHAUSTED':
      return isDailyQuota(details) ? 'provider_quota_exceeded' : 'provider_rate_limited';
    case 'UNAVAILABLE':
      return 'provider_overloaded';
    case 'DEADLINE_EXCEEDED':
      return 'provider_timeout';
    case 'INTERNAL':
    case 'CANCELLED':
    case 'UNKNOWN':
      return 'provider_error';
    default:
      break;
  }
  if (httpStatus === undefined) return 'provider_error';
  if (httpStatus === 400 || httpStatus === 422) return 'caller_invalid_request';
  if (httpStatus === 401 || httpStatus === 403) return 'provider_authentication';
  if (httpStatus === 404) return 'provider_not_found';
  if (httpStatus === 408 || httpStatus === 504) return 'provider_timeout';
  if (httpStatus === 413) return 'caller_request_too_large';
  if (httpStatus === 429) return 'provider_rate_limited';
  if (httpStatus === 503) return 'provider_overloaded';
  return httpStatus >= 400 && httpStatus < 500 ? 'caller_invalid_request' : 'provider_error';
}

function shapeOf(read: ReadError, httpStatus: number | undefined, fallbackMessage: string): GatewayErrorShape {
  const message = read.message ?? fallbackMessage;
  const shape: GatewayErrorShape = { code: errorCodeOf(read.status, httpStatus ?? read.code, message, read.details), message };
  if (read.status !== undefined) shape.providerType = read.status;
  const reason = detailOf(read.details, errorInfoType)?.reason;
  if (typeof reason === 'string') shape.providerCode = reason;
  const retryAfter = retryDelaySecondsOf(read.details);
  if (retryAfter !== undefined) shape.retryAfterSeconds = retryAfter;
  return shape;
}

/** A Gemini HTTP error → a gateway error (what the attempt loop classifies). */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  const read = readErrorBody(body);
  const shape = shapeOf(read, status, `Gemini answered HTTP ${status}.`);
  // The credential is the gateway's, not the caller's: relayed, "API key not valid" would have
  // the client's user doubt a key that works. A FAILED_PRECONDITION (location, billing) keeps
  // its words: they name the project's problem, not a key.
  if (shape.code === 'provider_authentication' && read.status !== 'FAILED_PRECONDITION') {
    shape.message = `The upstream rejected the gateway's credentials (HTTP ${status}).`;
  }
  if (shape.retryAfterSeconds === undefined && (status === 429 || status === 503)) {
    const header = retryAfterHeaderOf(headers);
    if (header !== undefined) shape.retryAfterSeconds = header;
  }
  return new GatewayError(shape);
}

/** A `data: {"error":{…}}` chunk inside a stream → the shape carried by a StreamEvent `error`. */
export function decodeStreamError(payload: unknown): GatewayErrorShape {
  return shapeOf(readErrorBody(payload), undefined, 'The Gemini stream reported an error.');
}

/** HTTP status and canonical status per gateway code (the statuses every surface answers with, in Google's words). */
const wireErrorOf: Record<ErrorCode, { status: number; canonical: GeminiErrorStatus }> = {
  caller_invalid_request: { status: 400, canonical: 'INVALID_ARGUMENT' },
  caller_request_too_large: { status: 413, canonical: 'INVALID_ARGUMENT' },
  caller_context_length_exceeded: { status: 400, canonical: 'INVALID_ARGUMENT' },
  caller_unsupported: { status: 400, canonical: 'INVALID_ARGUMENT' },
  caller_content_policy: { status: 400, canonical: 'INVALID_ARGUMENT' },
  policy_invalid_api_key: { status: 401, canonical: 'UNAUTHENTICATED' },
  policy_model_not_allowed: { status: 403, canonical: 'PERMISSION_DENIED' },
  policy_model_not_found: { status: 404, canonical: 'NOT_FOUND' },
  policy_rate_limited: { status: 429, canonical: 'RESOURCE_EXHAUSTED' },
  policy_budget_exceeded: { status: 429, canonical: 'RESOURCE_EXHAUSTED' },
  policy_secret_detected: { status: 400, canonical: 'INVALID_ARGUMENT' },
  policy_forbidden: { status: 403, canonical: 'PERMISSION_DENIED' },
  provider_error: { status: 502, canonical: 'UNAVAILABLE' },
  provider_overloaded: { status: 503, canonical: 'UNAVAILABLE' },
  provider_timeout: { status: 504, canonical: 'DEADLINE_EXCEEDED' },
  provider_rate_limited: { status: 429, canonical: 'RESOURCE_EXHAUSTED' },
  provider_quota_exceeded: { status: 429, canonical: 'RESOURCE_EXHAUSTED' },
  // The gateway's upstream credential failed, not the caller's key: a server-side error.
  provider_authentication: { status: 502, canonical: 'UNAVAILABLE' },
  provider_not_found: { status: 404, canonical: 'NOT_FOUND' },
  provider_bad_response: { status: 502, canonical: 'UNAVAILABLE' },
  routing_all_targets_failed: { status: 502, canonical: 'UNAVAILABLE' },
  routing_no_healthy_target: { status: 503, canonical: 'UNAVAILABLE' },
  gateway_internal: { status: 500, canonical: 'INTERNAL' },
  gateway_unavailable: { status: 503, canonical: 'UNAVAILABLE' },
  gateway_budget_store_unavailable: { status: 503, canonical: 'UNAVAILABLE' },
};

/**
 * Codes a wait cannot fix. Gemini CLI reads `QuotaFailure.violations[].quotaId` and stops
 * retrying when it names a daily quota (`TerminalQuotaError`); otherwise it retries a 429 up to
 * ten times, so these carry a `…PerDay` quota id (the budget itself may reset on another period:
 * the message says when).
 */
const terminalQuotaIds: Partial<Record<ErrorCode, string>> = {
  policy_budget_exceeded: 'SwitchyardBudgetPerDay',
  provider_quota_exceeded: 'ProviderQuotaPerDay',
};

/** The body of a Google error: `{error:{code, message, status, details?}}`. */
export function encodeErrorBody(error: GatewayErrorShape): GeminiErrorBody {
  const wire = wireErrorOf[error.code] ?? wireErrorOf.gateway_internal;
  const details: unknown[] = [];
  const quotaId = terminalQuotaIds[error.code];
  if (quotaId !== undefined) details.push({ '@type': quotaFailureType, violations: [{ quotaId, description: error.message }] });
  else if (error.retryAfterSeconds !== undefined && wire.status === 429) {
    details.push({ '@type': retryInfoType, retryDelay: `${Math.max(0, Math.ceil(error.retryAfterSeconds))}s` });
  }
  return { error: { code: wire.status, message: error.message, status: wire.canonical, ...(details.length > 0 ? { details } : {}) } };
}

/** A gateway error → Google's error shape with its status (and `retry-after` on retryable 429/503). */
export function encodeError(error: GatewayErrorShape): EncodedError {
  const wire = wireErrorOf[error.code] ?? wireErrorOf.gateway_internal;
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined && terminalQuotaIds[error.code] === undefined && (wire.status === 429 || wire.status === 503)) {
    headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  }
  return { status: wire.status, body: encodeErrorBody(error), headers };
}
