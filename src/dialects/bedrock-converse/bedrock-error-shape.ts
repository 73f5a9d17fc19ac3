import type { ErrorCode, GatewayErrorShape } from '../../core/errors.ts';
import { isRecord } from './wire.ts';

/**
 * Bedrock's exception names (any casing: the event stream spells them `throttlingException`) →
 * gateway codes. One table for every Bedrock API: InvokeModel, Converse, their streams.
 */
const codeOf: Record<string, ErrorCode> = {
  validationexception: 'caller_invalid_request',
  throttlingexception: 'provider_rate_limited',
  servicequotaexceededexception: 'provider_quota_exceeded',
  accessdeniedexception: 'provider_authentication',
  unrecognizedclientexception: 'provider_authentication',
  invalidsignatureexception: 'provider_authentication',
  signaturedoesnotmatch: 'provider_authentication',
  expiredtokenexception: 'provider_authentication',
  incompletesignatureexception: 'provider_authentication',
  missingauthenticationtokenexception: 'provider_authentication',
  resourcenotfoundexception: 'provider_not_found',
  modelnotreadyexception: 'provider_overloaded',
  serviceunavailableexception: 'provider_overloaded',
  modeltimeoutexception: 'provider_timeout',
  internalserverexception: 'provider_error',
  modelerrorexception: 'provider_error',
  modelstreamerrorexception: 'provider_error',
};

const contextOverflow = /too long|context (?:length|window)|maximum (?:context|input)|exceeds? .*tokens/i;

/** The exception name from `x-amzn-ErrorType` (`ValidationException:http://internal.amazon.com/…`) or the body's `__type`. */
export function bedrockErrorType(headers: Headers, body: unknown): string | undefined {
  const header = headers.get('x-amzn-errortype')?.split(':')[0]?.trim();
  if (header) return header;
  return isRecord(body) && typeof body.__type === 'string' ? body.__type.split('#').at(-1) : undefined;
}

/** The error's `message` (or `Message`), or a non-empty text body, cut at 1000 characters. */
export function bedrockErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? body.slice(0, 1000) : undefined;
  const text = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
  return text?.slice(0, 1000);
}

/**
 * A Bedrock error (HTTP answer or stream exception) as a gateway error: by exception name, else
 * by HTTP status; credential failures keep the gateway's own words (Bedrock's may name the account).
 */
export function bedrockErrorShape(type: string | undefined, message: string | undefined, status?: number): GatewayErrorShape {
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
  const words =
    code === 'provider_authentication'
      ? "Bedrock rejected the gateway's AWS credentials or signature."
      : (message ?? `Bedrock answered ${type ?? 'an error'}.`);
  return { code, message: words, ...(type ? { providerType: type } : {}) };
}
