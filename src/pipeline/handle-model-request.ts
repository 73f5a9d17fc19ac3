import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, isGatewayError } from '../core/errors.ts';
import type { ModelRequest } from '../core/ir/index.ts';
import { dialectCodecs } from '../dialects/registry.ts';
import { asGatewayError, readBody, sendError } from '../http/client-io.ts';
import { RequestBody } from './request-body.ts';
import type { RateLimitTicket } from '../policy/rate-limit/rate-limiter.ts';
import { worstCaseMicros, type Reservation } from '../policy/budget/budget-guard.ts';
import { findPricing } from '../observability/pricing.ts';
import { settleSpend } from './settle-spend.ts';
import type { Provider } from '../providers/provider.ts';
import type { TargetConfig } from '../config/runtime-config.ts';

/** Output cap assumed for worst cases when neither the client nor the config gives one. */
const defaultMaxOutputTokens = 16_384;
import { readCredential } from '../policy/read-credential.ts';
import { forwardPassthrough } from './forward-passthrough.ts';
import { forwardTranslated } from './forward-translated.ts';
import { runAttemptLoop } from './attempt-loop.ts';
import { minimalFeatures, readRequestFeatures } from '../routing/request-features.ts';
import type { Gateway } from './gateway.ts';
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
  gateway.metrics.setInflight(gateway.inFlight);
  const span = gateway.tracer.startRequest({ requestId: context.requestId, surface: surface.dialect, endpoint: url.pathname, traceparent: headerValue(request.headers['traceparent']) });
  let fallbacks = 0;
  let ticket: RateLimitTicket | undefined;
  let reservation: Reservation | undefined;
  try {
    context.key = await gateway.keys.authenticate(readCredential(request.headers, url.searchParams));
    const raw = await readBody(request, gateway.config.server.maxBodyBytes);
    const body = new RequestBody(raw);
    const requested = surface.readModel(body, url);
    if (typeof requested !== 'string' || requested.trim() === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
    context.model = requested;
    context.stream = surface.readStream(body, url);
    if (gateway.config.logging.bodies) context.requestBody = raw.toString('utf8');
    const resolved = gateway.resolver.resolve(requested, context.key);

    // Rules and multi-target strategies look inside the body; a plain alias needs nothing more.
    const needsFeatures = gateway.config.routing.rules.length > 0 || resolved.targets.length > 1;
    const features = needsFeatures ? readRequestFeatures(body.fields(), raw.length, request.headers) : minimalFeatures(raw.length, request.headers);
    const rule = gateway.router.rule(requested, features);
    const routed = rule ? gateway.resolver.resolve(rule.route_to, undefined) : resolved;
    if (rule) context.rule = rule.name;

    const plan = gateway.router.plan(routed, features);
    // Worst cases are estimated only when a budget or a rate limit will look at them (reading
    // the output cap may mean parsing the body).
    let maxOutput: number | undefined;
    const maxOutputTokens = () => (maxOutput ??= surface.readMaxOutputTokens(body) ?? Math.max(...plan.map((target) => target.maxOutputTokens ?? defaultMaxOutputTokens)));
    const worstCase = () => Math.max(...plan.map((target) => worstCaseMicros({ inputTokensEstimate: features.inputTokens, maxOutputTokens: maxOutputTokens(), pricing: findPricing(target.model, target.pricing) })));
    reservation = await gateway.budgets.reserve(context.key, worstCase, context.requestId);
    ticket = await gateway.rateLimiter.acquire(context.key, gateway.rateLimiter.applies(context.key) ? features.inputTokens + maxOutputTokens() : 0);
    for (const [name, value] of Object.entries(ticket.headers)) response.setHeader(name, value);

    let decoded: ModelRequest | undefined;
    const forward = async (provider: Provider, target: TargetConfig, fallbackCount: number): Promise<void> => {
      if (provider.dialect === surface.dialect) {
        return forwardPassthrough(context, surface, provider, target, gateway.upstream, { body, clientHeaders: request.headers, fallbackCount, signal: abort.signal }, response);
      }
      // The stream flag may live in the URL (Gemini): the surface's reading wins.
      decoded ??= { ...surface.codec.decodeRequest(body.fields(), context.warnings), stream: context.stream };
      const providerCodec = dialectCodecs[provider.dialect];
      return forwardTranslated(context, provider, target, gateway.upstream, { request: decoded, clientCodec: surface.codec, providerCodec, fallbackCount, signal: abort.signal, inputBytes: raw.length }, response);
    };
    await runAttemptLoop({
      context,
      router: gateway.router,
      providers: gateway.providers,
      plan,
      features,
      signal: abort.signal,
      committed: () => response.headersSent,
      attempt: async (provider, target, fallbackCount) => {
        fallbacks = fallbackCount;
        const attemptSpan = span.startAttempt(provider.config.name, target.model);
        try {
          await forward(provider, target, fallbackCount);
          attemptSpan.end(context.status);
        } catch (error) {
          attemptSpan.end(isGatewayError(error) ? error.status : null, { code: isGatewayError(error) ? error.code : 'gateway_internal' });
          throw error;
        }
      },
    });
    // A forwarder stops quietly when a write finds the client gone before the abort fired.
    context.outcome ??= (abort.signal.aborted || response.destroyed) && !response.writableEnded ? 'client_disconnected' : 'ok';
  } catch (error) {
    if (abort.signal.aborted) {
      context.outcome = 'client_disconnected';
      context.status ||= 499;
    } else {
      const failure = asGatewayError(error, context.requestId);
      context.fail(failure);
      context.status = failure.status;
      if (!response.headersSent) {
        context.status = sendError(response, surface.codec, failure, context.requestId);
      } else if (!response.writableEnded) {
        response.end();
      }
    }
  } finally {
    context.price();
    if (ticket) {
      const used = context.usage ? context.usage.inputTokens + context.usage.outputTokens : 0;
      const held = ticket;
      void held
        .settle(used)
        .finally(() => held.release())
        .catch((error: unknown) => console.error(`[${context.requestId}] could not settle the rate-limit ticket`, error));
    }
    const row = recordRequest(context, gateway.storage.logs);
    gateway.metrics.observeRequest(row, { alias: context.model ?? undefined, fallbacks, cache: 'bypass' });
    span.end(row, { fallbacks, cache: 'bypass' });
    if (reservation) {
      await settleSpend(reservation, context).then(
        (warnings) => warnings.forEach((warning) => gateway.onBudgetWarning(warning)),
        (error: unknown) => console.error(`[${context.requestId}] could not settle spend`, error),
      );
    }
    gateway.inFlight--;
    gateway.metrics.setInflight(gateway.inFlight);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
