import type { ProviderConfig } from '../config/runtime-config.ts';
import type { DialectCodec } from '../core/dialect.ts';
import { GatewayError } from '../core/errors.ts';
import { readBoundedBody } from '../upstream/read-bounded-body.ts';
import type { UpstreamResponse } from '../upstream/upstream-client.ts';
import { upstreamLimits } from '../config/upstream-limits.ts';
import type { ProviderTransport } from '../providers/provider-transport.ts';

/**
 * Reads a failed upstream answer (at most 64 KiB) and lets the provider's dialect classify it.
 * What reaches the client is a summary: the status and the provider's error type/code; the
 * provider's own message only from its JSON error envelope and only for caller faults (the
 * caller must fix the request: "context length exceeded", "unsupported parameter"). Plain text
 * and HTML bodies are never relayed.
 */
export async function readUpstreamError(
  upstream: UpstreamResponse,
  codec: DialectCodec,
  provider: ProviderConfig,
  transport?: ProviderTransport,
): Promise<GatewayError> {
  const text = (await readBoundedBody(upstream, provider, upstreamLimits.maxErrorBodyBytes, true)).toString('utf8');
  let body: unknown = text;
  let json = false;
  try {
    body = JSON.parse(text);
    json = typeof body === 'object' && body !== null;
  } catch {
    // Not JSON (an HTML error page from a proxy): the codec classifies by status.
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const decoded = transport?.decodeError?.(upstream.statusCode, json ? body : '', headers) ?? codec.decodeError(upstream.statusCode, json ? body : '', headers);
  const shape = decoded.toShape();
  shape.details = { ...shape.details, upstreamStatus: upstream.statusCode };
  // provider_authentication messages are the dialect's own words ("the upstream rejected the
  // gateway's credentials"), or Google's FAILED_PRECONDITION reason from its JSON envelope.
  const keep = decoded.code === 'provider_authentication' || (json && decoded.code.startsWith('caller_'));
  if (!keep) shape.message = summarize(provider.name, upstream.statusCode, decoded);
  else shape.message = decoded.message.slice(0, 1000);
  return new GatewayError(shape);
}

/** "Provider "oai" answered HTTP 503 (server_error/overloaded)." with identifier-like fields only. */
function summarize(providerName: string, status: number, decoded: GatewayError): string {
  const words = [decoded.providerType, decoded.providerCode].filter((word): word is string => word !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(word));
  return `Provider "${providerName}" answered HTTP ${status}${words.length > 0 ? ` (${words.join('/')})` : ''}.`;
}
