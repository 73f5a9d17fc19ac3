// Error bodies of OpenAI-compatible Chat Completions servers. All three keep the OpenAI envelope
// {"error":{"message","type","param","code"}} (so the openai SDK parses them) but fill it their
// own way: OpenAI names param/code, vLLM puts an exception class in `type` and the HTTP status in
// `code`, Ollama uses invalid_request_error / api_error with null param and code.
import type { Scenario } from './scenario.ts';
import { defaultOpenAIErrorType, type OpenAIRejection } from './openai-error.ts';

export type ChatFlavor = 'openai' | 'vllm' | 'ollama';

export type ChatErrorBody = { error: { message: string; type: string; param: string | null; code: string | number | null } };

export type ChatRejection = { status: number; body: ChatErrorBody; headers?: Record<string, string> };

export type ChatErrorOptions = { param?: string; code?: string; type?: string };

const vllmTypes: Record<number, string> = { 400: 'BadRequestError', 401: 'Unauthorized', 404: 'NotFoundError', 500: 'InternalServerError' };

export function chatRejection(flavor: ChatFlavor, status: number, message: string, options: ChatErrorOptions = {}): ChatRejection {
  if (flavor === 'vllm') {
    return { status, body: { error: { message, type: vllmTypes[status] ?? 'BadRequestError', param: options.param ?? null, code: status } } };
  }
  if (flavor === 'ollama') {
    return { status, body: { error: { message, type: status >= 500 ? 'api_error' : 'invalid_request_error', param: null, code: null } } };
  }
  return { status, body: { error: { message, type: options.type ?? 'invalid_request_error', param: options.param ?? null, code: options.code ?? null } } };
}

/** Re-shapes one of openai-error.ts's OpenAI rejections (missingParameter, invalidType…) for the flavor. */
export function asChatRejection(flavor: ChatFlavor, rejection: OpenAIRejection): ChatRejection {
  const { message, param, code, type } = rejection.body.error;
  return chatRejection(flavor, rejection.status, message, { ...(param ? { param } : {}), ...(code ? { code } : {}), type });
}

/** The per-server "unknown model" answer (OpenAI's is the recorded 404 model_not_found). */
export function chatModelNotFound(flavor: ChatFlavor, model: string): ChatRejection {
  if (flavor === 'vllm') return chatRejection(flavor, 404, `The model \`${model}\` does not exist.`);
  if (flavor === 'ollama') {
    return { status: 404, body: { error: { message: `model "${model}" not found, try pulling it first`, type: 'api_error', param: null, code: null } } };
  }
  return chatRejection(flavor, 404, `The model \`${model}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
}

/** Bearer-key check with OpenAI's 401 messages (what every OpenAI-compatible client expects to parse). */
export function checkChatBearer(header: string | undefined, apiKey: string): ChatRejection | undefined {
  if (!header || !header.startsWith('Bearer ') || header.length <= 'Bearer '.length) {
    return chatRejection(
      'openai',
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
    );
  }
  const key = header.slice('Bearer '.length);
  if (key === apiKey) return undefined;
  const masked = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}` : key;
  return chatRejection('openai', 401, `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, {
    code: 'invalid_api_key',
  });
}

/** A scripted HTTP error, always in the OpenAI shape; 429 gets retry-after: 1 unless the script says otherwise. */
export function scriptedChatError(error: NonNullable<Scenario['error']>): ChatRejection {
  const defaults = defaultOpenAIErrorType(error.status);
  return {
    status: error.status,
    body: {
      error: {
        message: error.message ?? defaults.message,
        type: error.type ?? defaults.type,
        param: null,
        code: error.code ?? defaults.code,
      },
    },
    headers: error.status === 429 ? { 'retry-after': '1', ...error.headers } : { ...error.headers },
  };
}
