// Google API error envelope {"error":{"code","message","status","details"?}}, pretty-printed like
// the live API (test/fixtures/providers/gemini/error-*.json). Three message families exist and are kept
// apart on purpose: "Invalid JSON payload received…" (proto parsing; every violation joined by
// "\n" plus a google.rpc.BadRequest detail), "* GenerateContentRequest.<path>: …\n" (proto
// constraints; no details) and plain sentences ("Please use a valid role: user, model.").
import type { Scenario } from './scenario.ts';

export type GoogleErrorDetail = { '@type': string } & Record<string, unknown>;

export type GeminiRejection = {
  code: number;
  status: string;
  message: string;
  details?: GoogleErrorDetail[];
  headers?: Record<string, string>;
};

export type FieldViolation = { field?: string; description: string };

const statusByCode: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const defaultMessages: Record<string, string> = {
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  PERMISSION_DENIED: 'The caller does not have permission',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  INTERNAL: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'Deadline expired before operation could complete.',
};

export function googleStatus(code: number): string {
  return statusByCode[code] ?? (code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

export function invalidArgument(message: string, details?: GoogleErrorDetail[]): GeminiRejection {
  return { code: 400, status: 'INVALID_ARGUMENT', message, ...(details ? { details } : {}) };
}

/** All proto-parsing violations of one request in one answer, as the API reports them. */
export function payloadRejection(violations: FieldViolation[]): GeminiRejection {
  return invalidArgument(violations.map((violation) => violation.description).join('\n'), [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
  ]);
}

/** "* GenerateContentRequest.contents: contents is not specified\n" — one line per violated constraint. */
export function protoRejection(requestName: string, violations: Array<{ path: string; reason: string }>): GeminiRejection {
  return invalidArgument(violations.map(({ path, reason }) => `* ${requestName}.${path}: ${reason}\n`).join(''));
}

export function apiKeyInvalid(): GeminiRejection {
  const message = 'API key not valid. Please pass a valid API key.';
  return invalidArgument(message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

/** No key at all: the API does not know who is calling. */
export function unregisteredCaller(): GeminiRejection {
  return {
    code: 403,
    status: 'PERMISSION_DENIED',
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  };
}

/** A bearer token is taken for an OAuth access token, which an API key is not. */
export function bearerNotOAuth(): GeminiRejection {
  return {
    code: 401,
    status: 'UNAUTHENTICATED',
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED', domain: 'googleapis.com' }],
  };
}

/** Byte-for-byte the recorded 404 (test/fixtures/providers/gemini/error-404-not-found.recording.json); streaming says generateContent too. */
export function modelNotFound(model: string, method: string): GeminiRejection {
  const message = `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
  return {
    code: 404,
    status: 'NOT_FOUND',
    message,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.DebugInfo',
        detail: `[ORIGINAL ERROR] generic::not_found: ${message} [google.rpc.error_details_ext] { message: ${JSON.stringify(message)} }`,
      },
    ],
  };
}

export function emulatorFailure(message: string): GeminiRejection {
  return { code: 500, status: 'INTERNAL', message: `emulator: ${message}` };
}

/**
 * A scripted HTTP error. `type`, when given, is the Google `status`. Gemini sends no retry-after
 * header: a scripted `retry-after` becomes RetryInfo.retryDelay in the body instead (default 1s).
 */
export function scriptedGeminiError(error: NonNullable<Scenario['error']>): GeminiRejection {
  const status = error.type ?? googleStatus(error.status);
  const { 'retry-after': retryAfter, ...headers } = error.headers ?? {};
  const details: GoogleErrorDetail[] = [];
  if (status === 'RESOURCE_EXHAUSTED') {
    details.push(
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter ?? '1'}s` },
    );
  }
  return {
    code: error.status,
    status,
    message: error.message ?? defaultMessages[status] ?? 'Request failed.',
    ...(details.length > 0 ? { details } : {}),
    headers,
  };
}

export function serializeGeminiError(rejection: GeminiRejection): string {
  const { code, message, status, details } = rejection;
  return `${JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }, null, 2)}\n`;
}
