import type { DialectCodec } from '../core/dialect.ts';
import type { GatewayError } from '../core/errors.ts';
import type { UpstreamResponse } from '../upstream/upstream-client.ts';

/** Reads a failed upstream answer (bounded) and lets the provider's dialect classify it. */
export async function readUpstreamError(upstream: UpstreamResponse, codec: DialectCodec): Promise<GatewayError> {
  const text = await upstream.body.text();
  let body: unknown = text.slice(0, 64 * 1024);
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page from a proxy): the codec classifies by status.
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  return codec.decodeError(upstream.statusCode, body, headers);
}
