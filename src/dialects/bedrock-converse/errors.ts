import { GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import type { EncodedError } from '../../core/dialect.ts';
import { isRecord } from './wire.ts';

/** Bedrock runtime exception names (any casing) → gateway codes. */
const codeOf: Record<string, ErrorCode> = {
  validationexception: 'caller_invalid_request',
  throttlingexception: 'provider_rate_limited',
  servicequotaexceededexception: 'provider_quota_exceeded',
  accessdeniedexception: 'provider_authentication',
  resourcenotfoundexception: 'provider_not_found',
  modelnotreadyexception: 'provider_overloaded',
  serviceunavailableexception: 'provider_overloaded',
  modeltimeoutexception: 'provider_timeout',
  internalserverexception: 'provider_error',
  modelerrorexception: 'provider_error',
  modelstreamerrorexception: 'provider_error',
};

const contextOverflow = /too long|context (?:length|window)|maximum (?:context|input)|exceeds? .*tokens/i;

function messageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? body.slice(0, 1000) : undefined;
  const text = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
  return text?.slice(0, 1000);
}

function shapeOf(type: string | undefined, message: string | undefined, status: number | undefined): GatewayErrorShape {
  let code: ErrorCode | undefined = type ? codeOf[type.toLowerCase()] : undefined;
  if (code === undefined) {
    if (status === 429) code = 'provider_rate_limited';
    else if (status === 401 || status === 403) code = 'provider_authentication';
    else if (status === 404) code = 'provider_not_found';
    else if (status === 400 || status === 422) code = 'caller_invalid_request';
    else if (status === 503) code = 'provider_overloaded';
    else code = 'provider_error';
  }
  if (code === 'caller_invalid_request' && message && contextOverflow.test(message)) code = 'caller_context_length_exceeded';
  const words = code === 'provider_authentication' ? "Bedrock rejected the gateway's AWS credentials." : (message ?? `Bedrock answered ${type ?? 'an error'}.`);
  return { code, message: words, ...(type ? { providerType: type } : {}) };
}

/** An exception inside a ConverseStream (`throttlingException`, `modelStreamErrorException`…) → the error a StreamEvent carries. */
export function streamExceptionShape(name: string, payload: Record<string, unknown>): GatewayErrorShape {
  return shapeOf(name, messageOf(payload), undefined);
}

/** A Converse HTTP error (`x-amzn-ErrorType` or `__type`, `{message}`) → a gateway error. */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  const header = headers.get('x-amzn-errortype')?.split(':')[0]?.trim();
  const bodyType = isRecord(body) && typeof body.__type === 'string' ? body.__type.split('#').at(-1) : undefined;
  return new GatewayError(shapeOf(header || bodyType, messageOf(body), status));
}

/** Gateway codes → Bedrock's exception name and status (the client half). */
const wireOf: Record<ErrorCode, { status: number; type: string }> = {
  caller_invalid_request: { status: 400, type: 'ValidationException' },
  caller_request_too_large: { status: 400, type: 'ValidationException' },
  caller_context_length_exceeded: { status: 400, type: 'ValidationException' },
  caller_unsupported: { status: 400, type: 'ValidationException' },
  caller_content_policy: { status: 400, type: 'ValidationException' },
  policy_invalid_api_key: { status: 403, type: 'UnrecognizedClientException' },
  policy_model_not_allowed: { status: 403, type: 'AccessDeniedException' },
  policy_model_not_found: { status: 404, type: 'ResourceNotFoundException' },
  policy_rate_limited: { status: 429, type: 'ThrottlingException' },
  policy_budget_exceeded: { status: 429, type: 'ServiceQuotaExceededException' },
  policy_secret_detected: { status: 400, type: 'ValidationException' },
  policy_forbidden: { status: 403, type: 'AccessDeniedException' },
  provider_error: { status: 500, type: 'InternalServerException' },
  provider_overloaded: { status: 503, type: 'ServiceUnavailableException' },
  provider_timeout: { status: 408, type: 'ModelTimeoutException' },
  provider_rate_limited: { status: 429, type: 'ThrottlingException' },
  provider_quota_exceeded: { status: 429, type: 'ServiceQuotaExceededException' },
  provider_authentication: { status: 500, type: 'InternalServerException' },
  provider_not_found: { status: 404, type: 'ResourceNotFoundException' },
  provider_bad_response: { status: 500, type: 'InternalServerException' },
  routing_all_targets_failed: { status: 500, type: 'InternalServerException' },
  routing_no_healthy_target: { status: 503, type: 'ServiceUnavailableException' },
  gateway_internal: { status: 500, type: 'InternalServerException' },
  gateway_unavailable: { status: 503, type: 'ServiceUnavailableException' },
  gateway_budget_store_unavailable: { status: 503, type: 'ServiceUnavailableException' },
};

/** The stream exception member name for a gateway code (`throttlingException`…). */
export function streamExceptionName(code: ErrorCode): string {
  const type = (wireOf[code] ?? wireOf.gateway_internal).type;
  if (type === 'ThrottlingException' || type === 'ServiceQuotaExceededException') return 'throttlingException';
  if (type === 'ValidationException') return 'validationException';
  if (type === 'ServiceUnavailableException') return 'serviceUnavailableException';
  return 'internalServerException';
}

/** A gateway error in Bedrock's shape: `{message}` with `x-amzn-ErrorType`. */
export function encodeError(error: GatewayErrorShape): EncodedError {
  const wire = wireOf[error.code] ?? wireOf.gateway_internal;
  const headers: Record<string, string> = { 'x-amzn-errortype': `${wire.type}:http://internal.amazon.com/coral/com.amazon.bedrock/` };
  if (error.retryAfterSeconds !== undefined && wire.status === 429) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  return { status: wire.status, body: { message: error.message }, headers };
}
