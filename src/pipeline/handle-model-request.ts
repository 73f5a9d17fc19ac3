import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, invalidRequest, isGatewayError } from '../core/errors.ts';
import type { ModelRequest } from '../core/ir/index.ts';
import { dialectCodecs } from '../dialects/registry.ts';
import { readBody, parseJsonBody, sendJson } from '../http/client-io.ts';
import { readCredential } from '../policy/read-credential.ts';
import { forwardPassthrough } from './forward-passthrough.ts';
import { forwardTranslated } from './forward-translated.ts';
import type { Gateway } from './gateway.ts';
import { outcomeOf } from './outcome-of.ts';
import { recordRequest } from './record-request.ts';
import { RequestContext } from './request-context.ts';
import type { Surface } from './surface.ts';

/**
 * The pipe for every model call: authenticate → read and parse → resolve and authorize the
 * model → try targets in order (fallback only on provider failures, before the commit point)
 * → record exactly one log row.
 */
export async function handleModelRequest(gateway: Gateway, surface: Surface, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const context = new RequestContext(surface.dialect, url.pathname);
  response.setHeader('x-request-id', context.requestId);
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  gateway.inFlight++;
  try {
    context.key = gateway.keys.authenticate(readCredential(request.headers, url.searchParams));
    const raw = await readBody(request, gateway.config.server.maxBodyBytes);
    const body = parseJsonBody(raw);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
    const fields = body as Record<string, unknown>;
    const requested = surface.readModel(fields, url);
    if (typeof requested !== 'string' || requested.trim() === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
    context.model = requested;
    context.stream = surface.readStream(fields, url);
    if (gateway.config.logging.bodies) context.requestBody = raw.toString('utf8');
    const resolved = gateway.resolver.resolve(requested, context.key);

    let decoded: ModelRequest | undefined;
    let lastError: GatewayError | undefined;
    for (const [index, target] of resolved.targets.entries()) {
      const provider = gateway.providers.get(target.provider);
      if (!provider) throw new GatewayError({ code: 'gateway_internal', message: `Provider "${target.provider}" is not configured.` });
      context.provider = provider.config.name;
      context.servedModel = target.model;
      context.pricing = target.pricing;
      const attemptStarted = context.elapsedMs();
      try {
        if (provider.dialect === surface.dialect) {
          await forwardPassthrough(context, surface, provider, target, gateway.upstream, { raw, body: fields, clientHeaders: request.headers, fallbackCount: index, signal: abort.signal }, response);
        } else {
          decoded ??= surface.codec.decodeRequest(fields, context.warnings);
          const providerCodec = dialectCodecs[provider.dialect];
          if (!providerCodec) throw new GatewayError({ code: 'caller_unsupported', message: `Provider type "${provider.config.type}" cannot be reached from ${surface.dialect} yet.` });
          await forwardTranslated(context, provider, target, gateway.upstream, { request: decoded, clientCodec: surface.codec, providerCodec, fallbackCount: index, signal: abort.signal, inputBytes: raw.length }, response);
        }
        context.attempts.push({ provider: provider.config.name, model: target.model, status: context.status, outcome: context.outcome ?? 'ok', latencyMs: context.elapsedMs() - attemptStarted });
        lastError = undefined;
        break;
      } catch (error) {
        if (abort.signal.aborted) throw error;
        const failure = isGatewayError(error) ? error : new GatewayError({ code: 'gateway_internal', message: 'Internal error while calling the provider.' });
        if (!isGatewayError(error)) console.error(`[${context.requestId}]`, error);
        context.attempts.push({ provider: provider.config.name, model: target.model, status: failure.status, outcome: outcomeOf(failure.code), latencyMs: context.elapsedMs() - attemptStarted, errorCode: failure.code });
        lastError = failure;
        // A caller fault returns at once (a 400 stays a 400); so does anything after the commit.
        if (response.headersSent || failure.failureClass === 'caller-fault' || failure.failureClass === 'fatal') break;
      }
    }
    if (lastError) throw lastError;
    context.outcome ??= 'ok';
  } catch (error) {
    if (abort.signal.aborted) {
      context.outcome = 'client_disconnected';
      context.status ||= 499;
    } else {
      const failure = isGatewayError(error) ? error : internalError(error, context.requestId);
      context.outcome = outcomeOf(failure.code);
      context.status = failure.status;
      context.errorCode = failure.code;
      context.errorMessage = failure.message;
      if (!response.headersSent) {
        const encoded = surface.codec.encodeError(failure.toShape());
        context.status = encoded.status;
        sendJson(response, encoded.status, encoded.body, { ...encoded.headers, 'x-request-id': context.requestId });
      } else if (!response.writableEnded) {
        response.end();
      }
    }
  } finally {
    context.price();
    recordRequest(context, gateway.storage.logs);
    gateway.inFlight--;
  }
}

function internalError(error: unknown, requestId: string): GatewayError {
  console.error(`[${requestId}]`, error);
  return new GatewayError({ code: 'gateway_internal', message: `Internal gateway error (request ${requestId}).` });
}
