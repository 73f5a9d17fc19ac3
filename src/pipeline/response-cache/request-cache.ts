import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RuntimeConfig, TargetConfig } from '../../config/runtime-config.ts';
import type { ModelRequest } from '../../core/ir/index.ts';
import type { RequestBody } from '../../core/request-body.ts';
import type { Surface } from '../../core/surface.ts';
import { Warnings } from '../../core/warnings.ts';
import type { RequestContext } from '../request-context.ts';
import { AnswerCapture } from './answer-capture.ts';
import { cacheDecision } from './cache-decision.ts';
import { cacheFor } from './cache-settings.ts';
import { decodeClientAnswer } from './decode-client-answer.ts';
import { replayCachedAnswer } from './replay-cached-answer.ts';
import { cacheScope, responseCacheKey } from './response-cache-key.ts';
import type { ResponseCache } from './response-cache.ts';

/** A request the cache looked at and missed: what is needed to store its answer once complete. */
export interface PendingCacheEntry {
  key: string;
  ttlMs: number;
  request: ModelRequest;
  capture: AnswerCapture | undefined;
}

/**
 * The response cache's part of one request (docs/decisions/0012). With the cache off for this
 * request (the default) it returns at once, before any hashing or parsing. Otherwise it answers
 * a hit (true) or returns what `storeAnswer` needs after a miss.
 */
export async function consultCache(input: {
  cache: ResponseCache;
  config: Pick<RuntimeConfig, 'cache' | 'models'>;
  surface: Surface;
  context: RequestContext;
  body: RequestBody;
  request: IncomingMessage;
  response: ServerResponse;
  alias: string;
  targets: readonly TargetConfig[];
}): Promise<'hit' | PendingCacheEntry | undefined> {
  const settings = cacheFor(input.config, input.context.key, input.context.model);
  if (settings.mode === 'off') return undefined;
  const decision = cacheDecision(settings, input.request.headers);
  if (decision.kind === 'bypass') return undefined;
  const { context, surface } = input;
  const request: ModelRequest = { ...surface.codec.decodeRequest(input.body.fields(), new Warnings()), stream: context.stream };
  const key = responseCacheKey({
    scope: cacheScope(context.key, settings.scope),
    dialect: surface.dialect,
    alias: input.alias,
    targets: input.targets,
    request,
  });
  if (decision.lookup) {
    const envelope = await input.cache.find(key, decision.maxAgeMs);
    if (envelope) {
      replayCachedAnswer(envelope, surface, context, request, input.response);
      return 'hit';
    }
  }
  context.cacheResult = 'miss';
  const limit = input.config.cache?.store.maxEntryBytes ?? 4 * 1024 * 1024;
  return { key, ttlMs: decision.ttlMs, request, capture: decision.store ? new AnswerCapture(input.response, limit) : undefined };
}

/** After a miss: stores the answer the client received when it is a complete success (called once the request is priced). */
export function storeAnswer(cache: ResponseCache, surface: Surface, context: RequestContext, pending: PendingCacheEntry): void {
  if (!pending.capture || pending.capture.overflowed) return;
  if (context.outcome !== 'ok' || context.status !== 200 || !context.provider || !context.servedModel) return;
  const answer = decodeClientAnswer(surface, pending.request, context.servedModel, pending.capture.bytes());
  if (!answer) return;
  const now = Date.now();
  cache.keep(pending.key, {
    v: 1,
    storedAt: now,
    expiresAt: now + pending.ttlMs,
    provider: context.provider,
    servedModel: context.servedModel,
    costMicros: context.costMicros,
    ...(context.usage ? { usage: context.usage } : {}),
    response: answer.usage || !context.usage ? answer : { ...answer, usage: context.usage },
  });
}
