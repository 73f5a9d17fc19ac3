import { GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import type { EncodedError } from '../../core/dialect.ts';
import { bedrockErrorMessage, bedrockErrorShape, bedrockErrorType } from './bedrock-error-shape.ts';

/** An exception inside a ConverseStream (`throttlingException`, `modelStreamErrorException`…) → the error a StreamEvent carries. */
export function streamExceptionShape(name: string, payload: Record<string, unknown>): GatewayErrorShape {
  return bedrockErrorShape(name, bedrockErrorMessage(payload));
}

/** A Converse HTTP error (`x-amzn-ErrorType` or `__type`, `{message}`) → a gateway error. */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  return new GatewayError(bedrockErrorShape(bedrockErrorType(headers, body), bedrockErrorMessage(body), status));
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
