import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { invalidRequest } from '../core/errors.ts';
import { asGatewayError, readBody, sendError, sendJson } from './client-io.ts';
import { readCredential } from '../policy/read-credential.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import { checkAnswerShape } from '../upstream/check-answer-shape.ts';
import { parseUpstreamJson, readBoundedBody } from '../upstream/read-bounded-body.ts';
import { upstreamLimits } from '../config/upstream-limits.ts';
import type { Gateway } from './gateway.ts';
import { readUpstreamError } from './read-upstream-error.ts';
import { RequestBody } from '../core/request-body.ts';
import type { Surface } from '../core/surface.ts';

/**
 * `count_tokens` (Anthropic) and `:countTokens` (Gemini): exact when the model's provider
 * speaks the same dialect and has a counting endpoint; otherwise an estimate of about four
 * characters a token, marked with `x-switchyard-token-count: estimated`. Not a model call, so
 * nothing is billed or logged.
 */
export async function handleCountTokens(gateway: Gateway, surface: Surface, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const requestId = `req_${randomBytes(12).toString('hex')}`;
  response.setHeader('x-request-id', requestId);
  const runtime = gateway.acquire();
  try {
    const key = await runtime.keys.authenticate(readCredential(request.headers, url.searchParams));
    const body = new RequestBody(await readBody(request, runtime.config.server.maxBodyBytes));
    const requested = surface.readModel(body, url);
    if (typeof requested !== 'string' || !requested.trim()) throw invalidRequest('`model` is required.', 'model');
    const target = runtime.resolver.resolve(requested, key).targets[0]!;
    const provider = runtime.providers.get(target.provider);
    if (provider && provider.dialectFor(target.model) === surface.dialect && provider.prepareCountTokens) {
      const prepared = provider.prepareCountTokens(target.model);
      const upstream = await gateway.upstream.send(provider.config, {
        url: prepared.url,
        headers: { ...forwardedHeaders(surface.dialect, request.headers), ...prepared.headers },
        body: surface.withModel(body, target.model),
        signal: AbortSignal.timeout(provider.config.timeouts.firstByteMs),
      });
      if (upstream.statusCode >= 400) throw await readUpstreamError(upstream, surface.codec, provider.config);
      checkAnswerShape(upstream, provider.config, false);
      const answer = parseUpstreamJson(
        await readBoundedBody(upstream, provider.config, (provider.config.limits ?? upstreamLimits).maxBodyBytes),
        provider.config,
      );
      sendJson(response, 200, answer, { 'x-switchyard-token-count': 'exact', 'x-switchyard-provider': provider.config.name });
      return;
    }
    const estimate = Math.ceil(body.raw.length / 4);
    sendJson(response, 200, surface.encodeTokenCount(estimate), { 'x-switchyard-token-count': 'estimated' });
  } catch (error) {
    sendError(response, surface.codec, asGatewayError(error, requestId), requestId);
  } finally {
    gateway.release(runtime);
  }
}
