// OpenAI error envelope: {"error":{"message","type","param","code"}} — the shape recorded in
// test/fixtures/providers/openai-responses/error-*.json. Every rejection of the Responses emulator uses it.

export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export type OpenAIRejection = { status: number; body: OpenAIErrorBody; headers?: Record<string, string> };

export function openAIError(status: number, message: string, options: { param?: string | null; code?: string | null; type?: string } = {}): OpenAIRejection {
  return {
    status,
    body: {
      error: {
        message,
        type: options.type ?? 'invalid_request_error',
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
  };
}

export function missingParameter(param: string): OpenAIRejection {
  return openAIError(400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
}

export function invalidType(param: string, expected: string, actual: string): OpenAIRejection {
  return openAIError(400, `Invalid type for '${param}': expected ${expected}, but got ${actual} instead.`, {
    param,
    code: 'invalid_type',
  });
}

/** "Supported values are: 'a', 'b', and 'c'." — OpenAI's enumeration phrasing. */
export function invalidValue(param: string, value: unknown, supported: readonly string[]): OpenAIRejection {
  const quoted = supported.map((entry) => `'${entry}'`);
  const list = quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
  return openAIError(400, `Invalid value: '${String(value)}'. Supported values are: ${list}.`, {
    param,
    code: 'invalid_value',
  });
}

/** Default `type`/`code` for a scripted HTTP error, following OpenAI's status table (400 invalid_request_error, 401 invalid_api_key, 429 rate_limit_exceeded, 500 server_error, …). */
export function defaultOpenAIErrorType(status: number): { type: string; code: string | null; message: string } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' };
  if (status === 403) return { type: 'permission_error', code: null, message: 'You are not allowed to access this resource.' };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' };
  if (status === 429) {
    return {
      type: 'requests',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests. Please try again in 1s.',
    };
  }
  if (status >= 500) {
    return { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' };
  }
  return { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
}
