// Anthropic error envelope: {"type":"error","error":{"type","message"},"request_id"} plus a
// `request-id` header (test/fixtures/providers/anthropic-messages/error-*.json). Status -> type per Anthropic's error documentation.

export type AnthropicRejection = { status: number; type: string; message: string; headers?: Record<string, string> };

export function invalidRequest(message: string): AnthropicRejection {
  return { status: 400, type: 'invalid_request_error', message };
}

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const defaultMessages: Record<string, string> = {
  overloaded_error: 'Overloaded',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit. Please try again later.',
  api_error: 'Internal server error',
  authentication_error: 'invalid x-api-key',
};

export function anthropicErrorType(status: number): string {
  return typeByStatus[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function statusForErrorType(type: string): number {
  const entry = Object.entries(typeByStatus).find(([, value]) => value === type);
  return entry ? Number(entry[0]) : 500;
}

export function defaultAnthropicMessage(type: string): string {
  return defaultMessages[type] ?? 'An error occurred.';
}

export function anthropicErrorBody(rejection: AnthropicRejection, requestId: string) {
  return { type: 'error', error: { type: rejection.type, message: rejection.message }, request_id: requestId };
}
