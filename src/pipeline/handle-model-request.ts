import { log } from '../core/log.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, invalidRequest, isGatewayError } from '../core/errors.ts';
import type { ModelRequest } from '../core/ir/index.ts';
import { dialectCodecs } from '../dialects/registry.ts';
import { asGatewayError, readBody, sendError } from './client-io.ts';
import { RequestBody } from '../core/request-body.ts';
import type { RateLimitTicket } from '../policy/rate-limit/rate-limiter.ts';
import { worstCaseMicros, type Reservation } from '../policy/budget/budget-guard.ts';
import { findPricing } from '../observability/pricing.ts';
import { settleSpend } from './settle-spend.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { KeyConfig, TargetConfig } from '../config/runtime-config.ts';

/** Output cap assumed for worst cases when neither the client nor the config gives one. */
const defaultMaxOutputTokens = 16_384;
import { readCredential } from '../policy/read-credential.ts';
import { forwardPassthrough } from './forward-passthrough.ts';
import { targetProfile } from './target-profile.ts';
import { forwardTranslated } from './forward-translated.ts';
import { runTracedAttempts } from './run-traced-attempts.ts';
import type { HedgeLane } from './run-hedged-pair.ts';
import { minimalFeatures, readRequestFeatures } from '../routing/request-features.ts';
import type { Gateway } from './gateway.ts';
import { finishRequest } from './finish-request.ts';
import { headerValue } from './header-value.ts';
import { inFlightOverloaded } from './in-flight-overloaded.ts';
import { ResponseBodyCapture } from './capture-response-body.ts';
import { absoluteMaxInputTokens, boundUsage } from './bound-usage.ts';
import { RequestContext } from './request-context.ts';
import type { Surface } from '../core/surface.ts';
import { applyGuardrails } from './apply-guardrails.ts';
import { readAttribution } from './read-attribution.ts';
import { variantOf } from '../routing/strategies/assign-variant.ts';
import type { SecretVault } from '../policy/guardrails/secret-vault.ts';
import type { OutputGuardOptions } from '../policy/guardrails/output-guard.ts';
import { consultCache, storeAnswer, type PendingCacheEntry } from './response-cache/request-cache.ts';
import { promptCacheScope } from './response-cache/cache-settings.ts';
import { withNamespacedPromptCacheKey } from './response-cache/namespace-prompt-cache-key.ts';

/**
 * The pipe for every model call: authenticate → read and parse → resolve and authorize the
 * model → try targets in order (fallback only on provider failures, before the commit point)
 * → record exactly one log row.
 */
export async function handleModelRequest(
  gateway: Gateway,
  surface: Surface,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  hooks: ModelRequestHooks = {},
): Promise<void> {
  const context = new RequestContext(surface.dialect, url.pathname);
  response.setHeader('x-request-id', context.requestId);
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  const inFlight = gateway.enterInFlight();
  // One config snapshot for the whole request: a reload meanwhile does not change its course.
  const runtime = gateway.acquire();
  const span = gateway.tracer.startRequest({
    requestId: context.requestId,
    surface: surface.dialect,
    endpoint: url.pathname,
    traceparent: headerValue(request.headers['traceparent']),
  });
  let ticket: RateLimitTicket | undefined;
  let reservation: Reservation | undefined;
  let plan: TargetConfig[] = [];
  let heldKey: string | undefined;
  let readCap: () => number | undefined = () => undefined;
  let readChoices: () => number = () => 1;
  let outputCap: number | undefined;
  let pendingCache: PendingCacheEntry | undefined;
  const captured = runtime.config.logging.bodies ? new ResponseBodyCapture(response) : undefined;
  try {
    const limits = runtime.config.server;
    if (inFlight > limits.maxInFlight) throw inFlightOverloaded(limits.maxInFlight, false);
    context.key = await runtime.keys.authenticate(readCredential(request.headers, url.searchParams));
    if (context.key) {
      heldKey = context.key.name;
      if (gateway.enterKeyInFlight(heldKey) > limits.maxInFlightPerKey) throw inFlightOverloaded(limits.maxInFlightPerKey, true);
    }
    context.attribution = readAttribution(request.headers, runtime.config.attribution);
    const read = await readBody(request, limits.maxBodyBytes, limits.bodyIdleTimeoutMs);
    const prepared = hooks.prepareBody ? await hooks.prepareBody(read, context.key, response) : read;
    let body = prepared instanceof RequestBody ? prepared : new RequestBody(prepared);
    const raw = body.raw;
    const requested = surface.readModel(body, url);
    if (typeof requested !== 'string' || requested.trim() === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
    context.model = requested;
    context.stream = surface.readStream(body, url);
    // Guardrails run before anything is logged or sent: the logged body is the redacted one.
    let vault: SecretVault;
    let output: OutputGuardOptions | undefined;
    ({ body, vault, output } = await applyGuardrails(gateway, runtime.config, surface, context, body, response));
    // After the guardrails: when they parsed the body (the default config scans every request) this check reads the parse.
    surface.checkParameters(body);
    if (runtime.config.logging.bodies) context.requestBody = body.raw.toString('utf8');
    const resolved = runtime.resolver.resolve(requested, context.key);

    // Rules and multi-target strategies look inside the body; a plain alias needs nothing more.
    const needsFeatures = runtime.config.routing.rules.length > 0 || resolved.targets.length > 1;
    const features = needsFeatures
      ? readRequestFeatures(surface.readRoutingHints(body.fields()), raw.length, request.headers)
      : minimalFeatures(raw.length, request.headers);
    const rule = runtime.router.rule(requested, features);
    const routed = rule ? runtime.resolver.resolve(rule.route_to, undefined) : resolved;
    if (rule) context.rule = rule.name;

    plan = runtime.router.plan(routed, features);
    if (routed.strategy === 'experiment' && plan[0]) {
      context.experiment = routed.alias;
      context.variant = variantOf(plan[0]);
    }
    // The response cache: one check when it is off for this request (the default), else a hit answered here.
    const cached = await consultCache({
      cache: gateway.responseCache,
      config: runtime.config,
      surface,
      context,
      body,
      request,
      response,
      alias: routed.alias,
      targets: routed.targets,
      providers: runtime.providers,
      upstream: gateway.upstream,
      signal: abort.signal,
    });
    if (cached === 'hit') {
      context.outcome = 'ok';
      return;
    }
    pendingCache = cached;
    const budgeted = runtime.budgets.applies(context.key, context.attribution);
    // A budget cannot hold money for a model without a price: such targets are not reachable by a budgeted key.
    if (budgeted) plan = pricedTargets(plan, context);
    // Worst cases are estimated only when a budget or a rate limit will look at them (reading
    // the output cap may mean parsing the body).
    let maxOutput: number | undefined;
    const requestedCap = () => surface.readMaxOutputTokens(body);
    // Each answer asked for (`n`) may use the whole cap.
    const choices = () => surface.readChoiceCount(body);
    const maxOutputTokens = () => (maxOutput ??= requestedCap() ?? Math.max(...plan.map((target) => target.maxOutputTokens ?? defaultMaxOutputTokens)));
    // The held amount is an upper bound: input priced at one token per byte (a token is never shorter), all of the output cap.
    // A hedged request may bill two attempts.
    const attemptsBilled = routed.strategy === 'hedge' ? 2 : 1;
    const worstCase = () =>
      attemptsBilled *
      Math.max(
        ...plan.map((target) =>
          worstCaseMicros({
            inputTokensEstimate: raw.length,
            maxOutputTokens: maxOutputTokens() * choices(),
            pricing: findPricing(target.model, target.pricing),
          }),
        ),
      );
    reservation = await runtime.budgets.reserve(context.key, worstCase, context.requestId, context.attribution);
    // The upstream may not produce more than was reserved for: a budgeted request without a cap gets the one it was held at.
    // (Reading the cap may parse the body: only budgeted requests pay for it up front.)
    if (budgeted) {
      outputCap = requestedCap();
      if (outputCap === undefined) {
        body = new RequestBody(surface.withOutputCap(body, maxOutputTokens()));
        outputCap = maxOutputTokens();
      }
    }
    readCap = requestedCap;
    readChoices = choices;
    // A client's prompt_cache_key reaches OpenAI namespaced per tenant (decision 0012).
    body = withNamespacedPromptCacheKey(
      body,
      surface.dialect,
      () => runtime.config.guardrailsSalt.salt.reveal(),
      () => promptCacheScope(runtime.config, context.key),
    );
    // A same-dialect stream that would carry no usage is asked for it (and the meter hides it again).
    const usageBody = context.stream && surface.withUsageReporting ? surface.withUsageReporting(body) : undefined;
    const passthroughBody = usageBody ? new RequestBody(usageBody) : body;
    ticket = await runtime.rateLimiter.acquire(
      context.key,
      runtime.rateLimiter.applies(context.key) ? features.inputTokens + maxOutputTokens() * choices() : 0,
    );
    for (const [name, value] of Object.entries(ticket.headers)) response.setHeader(name, value);

    let decoded: ModelRequest | undefined;
    const forward = async (provider: Provider, target: TargetConfig, fallbackCount: number, lane?: HedgeLane): Promise<void> => {
      // A hedged attempt runs on its own context and signal, and must win the claim before writing.
      const attemptContext = lane?.context ?? context;
      const signal = lane?.signal ?? abort.signal;
      const claim = lane ? { claim: lane.claim } : {};
      // A redacted request's answer must have its placeholders restored, and `scan_output` judges
      // the answer, both on IR events: such a request takes the translated path even to a
      // same-dialect provider. What the target would refuse is adapted first; some bodies only
      // the translated path can serve.
      const adapted =
        provider.dialectFor(target.model) === surface.dialect && vault.size === 0 && !output
          ? surface.adaptForTarget?.(passthroughBody, targetProfile(target, provider), { warnings: context.warnings, headers: request.headers })
          : 'translate';
      if (adapted !== 'translate') {
        return forwardPassthrough(
          attemptContext,
          surface,
          provider,
          target,
          gateway.upstream,
          {
            body: adapted ? new RequestBody(adapted) : passthroughBody,
            clientHeaders: request.headers,
            fallbackCount,
            signal,
            heartbeatMs: limits.sseHeartbeatMs,
            hideUsage: usageBody !== undefined,
            ...claim,
          },
          response,
        );
      }
      // The stream flag may live in the URL (Gemini): the surface's reading wins.
      decoded ??= { ...surface.codec.decodeRequest(body.fields(), context.warnings), stream: context.stream };
      const providerCodec = dialectCodecs[provider.dialectFor(target.model)];
      return forwardTranslated(
        attemptContext,
        provider,
        target,
        gateway.upstream,
        {
          request: decoded,
          clientCodec: surface.codec,
          providerCodec,
          fallbackCount,
          signal,
          inputBytes: raw.length,
          heartbeatMs: limits.sseHeartbeatMs,
          vault,
          ...(output ? { output } : {}),
          ...claim,
        },
        response,
      );
    };
    const hedge = routed.strategy === 'hedge' && routed.hedgeAfterMs !== undefined ? { afterMs: routed.hedgeAfterMs, inputBytes: raw.length } : undefined;
    await runTracedAttempts(runtime, context, plan, features, abort.signal, response, span, forward, hedge);
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
    boundContextUsage(context, plan, outputCap, readCap, readChoices, gateway);
    context.price();
    if (pendingCache) storeAnswer(gateway.responseCache, surface, context, pendingCache);
    if (reservation && reservation.amountMicros > 0 && context.costMicros > reservation.amountMicros) {
      // Billed as it is (the money was spent), but the hard cap may now be exceeded: say so loudly.
      const message = `cost ${context.costMicros} µ$ exceeds the ${reservation.amountMicros} µ$ reserved`;
      context.warnings.add('spend_over_reservation', message);
      gateway.metrics.countUsageAnomaly('over_reservation');
      log.warn(`[${context.requestId}] ${message} for ${context.servedModel ?? 'unknown model'}`);
    }
    if (captured) context.responseBody = captured.text();
    finishRequest(gateway, context, ticket, span);
    // Never rejects; the guard itself reports what the settle crosses.
    if (reservation) await settleSpend(reservation, context);
    gateway.release(runtime);
    gateway.leaveInFlight(heldKey);
  }
}

/** What a surface-specific layer may add around the pipe (the Responses state: `previous_response_id`, `store`). */
export interface ModelRequestHooks {
  /** Rewrites the request body once the key is known, before the guardrails see it. */
  prepareBody?(raw: Buffer, key: KeyConfig | undefined, response: ServerResponse): Promise<Buffer | RequestBody>;
}

/** The targets of a plan that have a price; a budgeted key may use only those (403 when none is left). */
function pricedTargets(plan: TargetConfig[], context: RequestContext): TargetConfig[] {
  const priced = plan.filter((target) => findPricing(target.model, target.pricing) !== undefined);
  const unpriced = plan.filter((target) => !priced.includes(target)).map((target) => `${target.provider}/${target.model}`);
  if (priced.length === 0) {
    throw new GatewayError({
      code: 'policy_forbidden',
      message: `This key has a budget, and ${unpriced.join(', ')} has no price, so its spend could not be held against the budget. Ask the operator to add pricing to the model in the config.`,
      param: 'model',
    });
  }
  if (unpriced.length > 0) context.warnings.add('unpriced_target_skipped', `skipped ${unpriced.join(', ')}: no price, and this key has a budget`);
  return priced;
}

/** Clamps usage an upstream reported beyond what the request could have used; flags it on the row and in metrics. */
function boundContextUsage(
  context: RequestContext,
  plan: TargetConfig[],
  outputCap: number | undefined,
  readCap: () => number | undefined,
  readChoices: () => number,
  gateway: Gateway,
): void {
  if (!context.usage) return;
  const served = plan.find((target) => target.provider === context.provider && target.model === context.servedModel);
  const maxInputTokens = served?.contextWindow ?? absoluteMaxInputTokens;
  let maxOutputTokens = outputCap ?? served?.maxOutputTokens ?? maxInputTokens;
  // The client's own cap is read (which may parse the body) only when the output looks too long.
  if (outputCap === undefined && context.usage.outputTokens > maxOutputTokens) maxOutputTokens = readCap() ?? maxOutputTokens;
  else if (outputCap === undefined && context.usage.outputTokens > 0) {
    const cap = context.usage.outputTokens > (served?.maxOutputTokens ?? 16_384) ? readCap() : undefined;
    if (cap !== undefined) maxOutputTokens = Math.min(maxOutputTokens, cap);
  }
  // Several answers (`n`) may each use the whole cap; asked only when the output looks too long.
  if (context.usage.outputTokens > maxOutputTokens) maxOutputTokens *= readChoices();
  const bounded = boundUsage(context.usage, { maxInputTokens, maxOutputTokens });
  if (bounded.clamped.length === 0) return;
  context.usage = bounded.usage;
  context.warnings.add('usage_clamped', `upstream usage out of bounds, clamped: ${bounded.clamped.join('; ')}`);
  gateway.metrics.countUsageAnomaly('clamped');
  log.warn(`[${context.requestId}] upstream usage out of bounds from ${context.provider ?? '?'}: ${bounded.clamped.join('; ')}`);
}
