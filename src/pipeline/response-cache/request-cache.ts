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
import type { ConfiguredProvider as Provider } from '../../config/runtime-config.ts';
import type { UpstreamClient } from '../../upstream/upstream-client.ts';
import { log } from '../../core/log.ts';
import { OpenAiEmbeddings } from './openai-embeddings.ts';
import { semanticPrompt } from './semantic-index.ts';

/** A request the cache looked at and missed: what is needed to store its answer once complete. */
export interface PendingCacheEntry {
  key: string;
  ttlMs: number;
  request: ModelRequest;
  capture: AnswerCapture | undefined;
  /** With the semantic cache: where the prompt's embedding goes once the answer is stored. */
  semantic?: { partition: string; vector: number[] };
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
  providers: ReadonlyMap<string, Provider>;
  upstream: UpstreamClient;
  signal: AbortSignal;
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
  const semantic = await semanticNeighbour(input, settings.scope, request);
  if (decision.lookup && semantic?.match) {
    const envelope = await input.cache.find(semantic.match, decision.maxAgeMs);
    if (envelope) {
      context.warnings.add('cache_semantic_hit', 'answered from the semantic cache (a near-identical earlier prompt)');
      replayCachedAnswer(envelope, surface, context, request, input.response);
      return 'hit';
    }
  }
  context.cacheResult = 'miss';
  const limit = input.config.cache?.store.maxEntryBytes ?? 4 * 1024 * 1024;
  return {
    key,
    ttlMs: decision.ttlMs,
    request,
    capture: decision.store ? new AnswerCapture(input.response, limit) : undefined,
    ...(semantic ? { semantic: { partition: semantic.partition, vector: semantic.vector } } : {}),
  };
}

/**
 * With `cache.semantic`: the prompt's embedding, its partition (everything but the conversation,
 * keyed like the exact cache) and the nearest stored prompt at or above the threshold. Undefined
 * for requests with tools, tool traffic or non-text content, and when the embeddings call fails.
 */
async function semanticNeighbour(
  input: Parameters<typeof consultCache>[0],
  scope: 'key' | 'team',
  request: ModelRequest,
): Promise<{ partition: string; vector: number[]; match: string | undefined } | undefined> {
  const settings = input.config.cache?.store.semantic;
  if (!settings) return undefined;
  const prompt = semanticPrompt(request);
  if (prompt === undefined) return undefined;
  const slash = settings.model.indexOf('/');
  const provider = input.providers.get(settings.model.slice(0, slash));
  if (!provider) return undefined;
  try {
    const vector = await new OpenAiEmbeddings(provider, settings.model.slice(slash + 1), input.upstream).embed(prompt, input.signal);
    const partition = responseCacheKey({
      scope: `semantic:${cacheScope(input.context.key, scope)}`,
      dialect: input.surface.dialect,
      alias: input.alias,
      targets: input.targets,
      request: { ...request, system: [], messages: [] },
    });
    return { partition, vector, match: input.cache.semantic.nearest(partition, vector, settings.threshold) };
  } catch (error) {
    log.warn(`cache: semantic lookup skipped, the embeddings call failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** After a miss: stores the answer the client received when it is a complete success (called once the request is priced). */
export function storeAnswer(cache: ResponseCache, surface: Surface, context: RequestContext, pending: PendingCacheEntry): void {
  if (!pending.capture || pending.capture.overflowed) return;
  if (context.outcome !== 'ok' || context.status !== 200 || !context.provider || !context.servedModel) return;
  const answer = decodeClientAnswer(surface, pending.request, context.servedModel, pending.capture.bytes());
  if (!answer) return;
  const now = Date.now();
  if (pending.semantic) cache.semantic.add(pending.semantic.partition, pending.semantic.vector, pending.key, now + pending.ttlMs);
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
