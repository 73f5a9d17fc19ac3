import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConfiguredProvider as Provider, TargetConfig } from '../../config/runtime-config.ts';
import { upstreamLimits } from '../../config/upstream-limits.ts';
import { GatewayError } from '../../core/errors.ts';
import { dialectCodecs } from '../../dialects/registry.ts';
import { findPricing } from '../../observability/pricing.ts';
import { worstCaseMicros, type Reservation } from '../../policy/budget/budget-guard.ts';
import { readCredential } from '../../policy/read-credential.ts';
import type { RateLimitTicket } from '../../policy/rate-limit/rate-limiter.ts';
import { minimalFeatures } from '../../routing/request-features.ts';
import { checkAnswerShape } from '../../upstream/check-answer-shape.ts';
import { parseUpstreamJson, readBoundedBody } from '../../upstream/read-bounded-body.ts';
import { asGatewayError, readBody, sendError, sendJson } from '../client-io.ts';
import { finishRequest } from '../finish-request.ts';
import type { Gateway } from '../gateway.ts';
import { headerValue } from '../header-value.ts';
import { inFlightOverloaded } from '../in-flight-overloaded.ts';
import { modelHeaders } from '../model-headers.ts';
import { readAttribution } from '../read-attribution.ts';
import { readUpstreamError } from '../read-upstream-error.ts';
import { RequestContext } from '../request-context.ts';
import { sendProviderCall } from '../send-provider-call.ts';
import { runTracedAttempts } from '../run-traced-attempts.ts';
import { settleSpend } from '../settle-spend.ts';
import { embeddingsCalls, type Embedded } from './embeddings-wire.ts';
import { encodeEmbeddingsResponse } from './encode-embeddings-response.ts';
import { readEmbeddingsRequest, type EmbeddingsRequest } from './read-embeddings-request.ts';

const errorCodec = dialectCodecs['openai-chat'];

/**
 * `POST /v1/embeddings` (OpenAI's shape) to every provider type that embeds (docs/decisions/0013):
 * the same key, allowlist, budget, rate limit, retry and fallback as a model call, one log row
 * and the cost from the pricing table. The answer is always OpenAI's shape (floats or base64).
 */
export async function handleEmbeddings(gateway: Gateway, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const context = new RequestContext('openai-chat', url.pathname);
  response.setHeader('x-request-id', context.requestId);
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  // Counted toward the same in-flight caps as a model call.
  const inFlight = gateway.enterInFlight();
  const runtime = gateway.acquire();
  const span = gateway.tracer.startRequest({
    requestId: context.requestId,
    surface: 'openai-chat',
    endpoint: url.pathname,
    traceparent: headerValue(request.headers['traceparent']),
  });
  let ticket: RateLimitTicket | undefined;
  let reservation: Reservation | undefined;
  let heldKey: string | undefined;
  try {
    const limits = runtime.config.server;
    if (inFlight > limits.maxInFlight) throw inFlightOverloaded(limits.maxInFlight, false);
    context.key = await runtime.keys.authenticate(readCredential(request.headers, url.searchParams));
    if (context.key) {
      heldKey = context.key.name;
      if (gateway.enterKeyInFlight(heldKey) > limits.maxInFlightPerKey) throw inFlightOverloaded(limits.maxInFlightPerKey, true);
    }
    context.attribution = readAttribution(request.headers, runtime.config.attribution);
    const raw = await readBody(request, limits.maxBodyBytes, limits.bodyIdleTimeoutMs);
    const embeddings = readEmbeddingsRequest(raw);
    context.model = embeddings.model;
    context.stream = false;
    if (runtime.config.logging.bodies) context.requestBody = raw.toString('utf8');
    const resolved = runtime.resolver.resolve(embeddings.model, context.key);
    const features = minimalFeatures(raw.length, request.headers);
    let plan = runtime.router.plan(resolved, features).filter((target) => runtime.providers.get(target.provider)?.embeddings);
    if (plan.length === 0) {
      throw new GatewayError({
        code: 'caller_unsupported',
        message: `No target of ${embeddings.model} serves embeddings (its provider types have no embeddings API).`,
        param: 'model',
      });
    }
    if (runtime.budgets.applies(context.key, context.attribution)) {
      plan = plan.filter((target) => findPricing(target.model, target.pricing) !== undefined);
      if (plan.length === 0)
        throw new GatewayError({ code: 'policy_forbidden', message: `This key has a budget, and ${embeddings.model} has no price.`, param: 'model' });
    }
    // Input priced at one token per byte (a token is never shorter); embeddings produce no output tokens.
    const worstCase = () =>
      Math.max(
        ...plan.map((target) => worstCaseMicros({ inputTokensEstimate: raw.length, maxOutputTokens: 0, pricing: findPricing(target.model, target.pricing) })),
      );
    reservation = await runtime.budgets.reserve(context.key, worstCase, context.requestId, context.attribution);
    ticket = await runtime.rateLimiter.acquire(context.key, runtime.rateLimiter.applies(context.key) ? features.inputTokens : 0);
    for (const [name, value] of Object.entries(ticket.headers)) response.setHeader(name, value);

    const forward = async (provider: Provider, target: TargetConfig, fallbackCount: number): Promise<void> => {
      const embedded = await embed(gateway, provider, target, embeddings, abort.signal);
      const inputTokens = embedded.inputTokens ?? estimateTokens(embeddings);
      context.usage = { inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
      if (embedded.inputTokens === undefined) context.usageEstimated = true;
      context.markFirstByte();
      context.status = 200;
      sendJson(response, 200, encodeEmbeddingsResponse(embedded.vectors, embeddings, inputTokens), modelHeaders(context, fallbackCount));
    };
    await runTracedAttempts(runtime, context, plan, features, abort.signal, response, span, forward, undefined);
    context.outcome ??= 'ok';
  } catch (error) {
    if (abort.signal.aborted) {
      context.outcome = 'client_disconnected';
      context.status ||= 499;
    } else {
      const failure = asGatewayError(error, context.requestId);
      context.fail(failure);
      context.status = response.headersSent ? context.status : sendError(response, errorCodec, failure, context.requestId);
    }
  } finally {
    context.price();
    // Embeddings produce no output tokens, never use the response cache ('bypass') and have no guardrails.
    finishRequest(gateway, context, ticket, span);
    // Never rejects; the guard itself reports what the settle crosses (its notify → gateway.onBudgetWarning).
    if (reservation) await settleSpend(reservation, context);
    gateway.release(runtime);
    gateway.leaveInFlight(heldKey);
  }
}

async function embed(gateway: Gateway, provider: Provider, target: TargetConfig, request: EmbeddingsRequest, signal: AbortSignal): Promise<Embedded> {
  const support = provider.embeddings;
  if (!support) throw new GatewayError({ code: 'caller_unsupported', message: `Provider "${provider.config.name}" has no embeddings API.` });
  const calls = embeddingsCalls(support.api, request, target.model);
  const prepared = support.prepare(target.model);
  const answers = await Promise.all(
    calls.map(async (call) => {
      const upstream = await sendProviderCall(gateway.upstream, provider, prepared, {
        body: JSON.stringify(call.body),
        model: target.model,
        stream: false,
        signal,
        embeddings: true,
      });
      if (upstream.statusCode >= 400)
        throw await readUpstreamError(upstream, dialectCodecs[provider.dialectFor(target.model)], provider.config, provider.transport);
      checkAnswerShape(upstream, provider.config, false);
      return call.read(
        parseUpstreamJson(await readBoundedBody(upstream, provider.config, (provider.config.limits ?? upstreamLimits).maxBodyBytes), provider.config),
      );
    }),
  );
  const vectors = answers.flatMap((answer) => answer.vectors);
  const expected = request.input.kind === 'text' ? request.input.texts.length : request.input.tokens.length;
  if (vectors.length !== expected) {
    throw new GatewayError({
      code: 'provider_bad_response',
      message: `Provider "${provider.config.name}" answered ${vectors.length} embeddings for ${expected} inputs.`,
    });
  }
  const reported = answers.every((answer) => answer.inputTokens !== undefined);
  return { vectors, ...(reported ? { inputTokens: answers.reduce((sum, answer) => sum + (answer.inputTokens ?? 0), 0) } : {}) };
}

/** About four characters a token (a token array counts itself). */
function estimateTokens(request: EmbeddingsRequest): number {
  if (request.input.kind === 'tokens') return request.input.tokens.reduce((sum, tokens) => sum + tokens.length, 0);
  return request.input.texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
}
