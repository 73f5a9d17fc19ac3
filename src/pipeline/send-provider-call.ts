import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { PreparedCall } from '../providers/provider.ts';
import type { UpstreamClient, UpstreamResponse } from '../upstream/upstream-client.ts';
import { upstreamChunks } from '../upstream/upstream-chunks.ts';

/**
 * Sends a prepared model call; a cloud provider's transport first finishes it (the body in the
 * cloud's variant, SigV4 or an OAuth2 token: docs/decisions/0013).
 */
export async function sendProviderCall(
  upstreamClient: UpstreamClient,
  provider: Provider,
  prepared: PreparedCall,
  call: { body: string | Buffer; model: string; stream: boolean; signal: AbortSignal; embeddings?: boolean },
): Promise<UpstreamResponse> {
  const transport = provider.transport;
  if (!transport) return upstreamClient.send(provider.config, { url: prepared.url, headers: prepared.headers, body: call.body, signal: call.signal });
  const body = typeof call.body === 'string' ? Buffer.from(call.body) : call.body;
  const finished = await transport.finish({
    url: prepared.url,
    headers: prepared.headers,
    body,
    model: call.model,
    stream: call.stream,
    ...(call.embeddings ? { embeddings: true } : {}),
  });
  return upstreamClient.send(provider.config, { ...finished, signal: call.signal });
}

/** The answer's chunks as SSE bytes: a transport with its own framing (the AWS event stream) is reframed. */
export async function* providerChunks(upstream: UpstreamResponse, provider: Provider, model: string): AsyncGenerator<Buffer> {
  const reframer = provider.transport?.createStreamReframer?.({ model });
  if (!reframer) {
    yield* upstreamChunks(upstream, provider.config);
    return;
  }
  for await (const chunk of upstreamChunks(upstream, provider.config)) {
    const out = reframer.push(chunk);
    if (out.length > 0) yield out;
  }
  const rest = reframer.finish();
  if (rest.length > 0) yield rest;
}
