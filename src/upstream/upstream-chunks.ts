import type { ProviderConfig } from '../config/runtime-config.ts';
import { toGatewayError, type UpstreamResponse } from './upstream-client.ts';

/** The upstream body's chunks; a failure while reading arrives typed (timeout, reset…) with its cause. */
export async function* upstreamChunks(upstream: UpstreamResponse, provider: ProviderConfig): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of upstream.body) yield chunk as Buffer;
  } catch (error) {
    throw toGatewayError(error, provider);
  }
}
