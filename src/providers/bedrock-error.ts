import { GatewayError, type ErrorCode } from '../core/errors.ts';

/** Bedrock's exception names (any casing: the event stream spells them `throttlingException`) → gateway codes. */
const codes: Record<string, ErrorCode> = {
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
  const type = typeof body === 'object' && body !== null ? (body as { __type?: unknown }).__type : undefined;
  return typeof type === 'string' ? (type.split('#').at(-1) ?? type) : undefined;
}

export function bedrockErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, Message } = body as { message?: unknown; Message?: unknown };
  const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : undefined;
  return text?.slice(0, 1000);
}

/** A Bedrock error (HTTP answer or stream exception) as a GatewayError; credential failures keep the gateway's own words. */
export function bedrockError(type: string | undefined, message: string | undefined, status?: number): GatewayError {
  let code: ErrorCode = (type && codes[type.toLowerCase()]) || 'provider_error';
  if (!type || !codes[type.toLowerCase()]) {
    if (status === 429) code = 'provider_rate_limited';
    else if (status === 401 || status === 403) code = 'provider_authentication';
    else if (status === 404) code = 'provider_not_found';
    else if (status === 400) code = 'caller_invalid_request';
    else if (status === 503) code = 'provider_overloaded';
  }
  if (code === 'caller_invalid_request' && message && contextOverflow.test(message)) code = 'caller_context_length_exceeded';
  const words =
    code === 'provider_authentication'
      ? "Bedrock rejected the gateway's AWS credentials or signature."
      : (message ?? `Bedrock answered ${type ?? 'an error'}.`);
  return new GatewayError({ code, message: words, ...(type ? { providerType: type } : {}) });
}
