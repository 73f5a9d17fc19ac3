import type { ProviderConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { decodeJsonText } from '../core/decode-json-text.ts';
import { discardBody, toGatewayError, type UpstreamResponse } from './upstream-client.ts';

/**
 * Reads an upstream body up to `limit` bytes. Past it: `truncate` keeps what was read (error
 * bodies), otherwise the connection is dropped and the answer is a provider_bad_response.
 */
export async function readBoundedBody(upstream: UpstreamResponse, provider: ProviderConfig, limit: number, truncate = false): Promise<Buffer> {
  const declared = Number(upstream.headers['content-length']);
  if (!truncate && Number.isFinite(declared) && declared > limit) {
    discardBody(upstream);
    throw tooLarge(provider, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of upstream.body) {
      const bytes = chunk as Buffer;
      if (size + bytes.length > limit) {
        discardBody(upstream);
        if (!truncate) throw tooLarge(provider, limit);
        chunks.push(bytes.subarray(0, limit - size));
        size = limit;
        break;
      }
      chunks.push(bytes);
      size += bytes.length;
    }
  } catch (error) {
    throw toGatewayError(error, provider);
  }
  return Buffer.concat(chunks, size);
}

/** Parses a JSON answer; truncated or not JSON is a provider_bad_response, never passed on. */
export function parseUpstreamJson(bytes: Buffer, provider: ProviderConfig): unknown {
  try {
    return JSON.parse(decodeJsonText(bytes));
  } catch (error) {
    throw new GatewayError({
      code: 'provider_bad_response',
      message: `Provider "${provider.name}" sent a body that is not valid JSON (${bytes.length} bytes, truncated or not JSON).`,
      cause: error,
    });
  }
}

function tooLarge(provider: ProviderConfig, limit: number): GatewayError {
  return new GatewayError({ code: 'provider_bad_response', message: `Provider "${provider.name}" sent an answer larger than the ${limit} byte limit.` });
}
