import { errorStatus, GatewayError, type ErrorCode, type GatewayErrorShape } from '../../core/errors.ts';
import { decodeError as decodeOpenAiError, decodeResponseFailure, encodeError } from '../openai-responses/errors.ts';
import { isRecord, type ChatErrorBody } from './wire.ts';

/**
 * The Chat surface answers errors exactly like the Responses surface: same
 * envelope, statuses and codes, so the encoder is the Responses one, not a copy.
 */
export { encodeError };

/**
 * Over-long prompts in the words compatible servers use: OpenAI/Groq `context_length_exceeded`,
 * vLLM "This model's maximum context length is 4096 tokens", llama.cpp "exceeds the available
 * context size", Groq "Please reduce the length of the messages or completion".
 */
const contextOverflowPattern =
  /context[_ ]length[_ ]exceeded|maximum context length|context (?:window|size|limit)|prompt is too long|reduce the length of the (?:messages|prompt)|too many (?:input )?tokens/i;

interface WireError {
  message?: string;
  type?: string;
  code?: string | number;
  param?: string;
  status_code?: number;
}

/**
 * An HTTP error from a Chat server as a gateway error. Bodies come in several shapes: the
 * OpenAI envelope (OpenAI, Azure, Groq, OpenRouter), vLLM's flat `{"object":"error",…}`,
 * Ollama's `{"error":"text"}`, FastAPI's `{"detail":…}` and plain text.
 */
export function decodeError(status: number, body: unknown, headers: Headers): GatewayError {
  const envelope = normalizeErrorBody(body);
  const decoded = decodeOpenAiError(status === 529 ? 503 : status, envelope, headers);
  // OpenRouter and others answer 402 when the account has no credit left.
  if (status === 402) return recode(decoded, 'provider_quota_exceeded');
  if (decoded.code === 'caller_invalid_request' && contextOverflowPattern.test(decoded.message)) return recode(decoded, 'caller_context_length_exceeded');
  return decoded;
}

/**
 * An error inside a stream: OpenAI's `data: {"error":{…}}`, Groq's `event: error` with
 * `status_code`, vLLM's `{"error":{"object":"error",…,"code":400}}`.
 */
export function decodeStreamError(payload: unknown): GatewayErrorShape {
  const envelope = normalizeErrorBody(payload);
  const inner = envelope.error;
  const status = typeof inner.status_code === 'number' ? inner.status_code : typeof inner.code === 'number' ? inner.code : undefined;
  if (inner.code === 'tool_use_failed') {
    // Groq validates the model's own tool call: the model failed, a retry may well succeed.
    return withProviderFields({ code: 'provider_error', message: inner.message ?? 'The model produced an invalid tool call.' }, inner);
  }
  if (status !== undefined && status >= 400 && status < 600) return decodeError(status, envelope, new Headers()).toShape();
  const shape = decodeResponseFailure(envelope);
  if ((shape.code === 'provider_error' || shape.code === 'caller_invalid_request') && contextOverflowPattern.test(shape.message)) {
    return { ...shape, code: 'caller_context_length_exceeded' };
  }
  return shape;
}

/** Any of the shapes above as `{error:{message,type,code,param}}` (fields only when known). */
function normalizeErrorBody(body: unknown): { error: WireError } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      const text = body.trim();
      return { error: text.length > 0 ? { message: text.slice(0, 500) } : {} };
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (!isRecord(value)) return { error: {} };
  if (isRecord(value.error)) return { error: readFields(value.error) };
  if (typeof value.error === 'string') return { error: { ...readFields(value), message: value.error } };
  if (value.detail !== undefined && value.message === undefined) return { error: { message: describeDetail(value.detail) } };
  return { error: readFields(value) };
}

function readFields(record: Record<string, unknown>): WireError {
  const fields: WireError = {};
  if (typeof record.message === 'string') fields.message = record.message;
  if (typeof record.type === 'string') fields.type = record.type;
  if (typeof record.code === 'string' || typeof record.code === 'number') fields.code = record.code;
  if (typeof record.param === 'string') fields.param = record.param;
  if (typeof record.status_code === 'number') fields.status_code = record.status_code;
  return fields;
}

/** FastAPI validation errors: `[{loc:["body","messages",0],msg:"…"}]` → "body.messages.0: …". */
function describeDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return JSON.stringify(detail).slice(0, 500);
  return detail
    .map((entry) => {
      if (!isRecord(entry)) return String(entry);
      const location = Array.isArray(entry.loc) ? entry.loc.join('.') : '';
      const message = typeof entry.msg === 'string' ? entry.msg : JSON.stringify(entry);
      return location ? `${location}: ${message}` : message;
    })
    .join('; ')
    .slice(0, 500);
}

function withProviderFields(shape: GatewayErrorShape, wire: WireError): GatewayErrorShape {
  if (wire.type !== undefined) shape.providerType = wire.type;
  if (wire.code !== undefined) shape.providerCode = String(wire.code);
  return shape;
}

function recode(error: GatewayError, code: ErrorCode): GatewayError {
  return new GatewayError({ ...error.toShape(), code, status: errorStatus[code] });
}

/** The `data: {"error":…}` payload a Chat client gets when a stream fails after it started. */
export function encodeStreamError(error: GatewayErrorShape): ChatErrorBody {
  return encodeError(error).body as ChatErrorBody;
}
