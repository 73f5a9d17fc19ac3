import type { IncomingHttpHeaders } from 'node:http';
import type { RoutingHints } from '../core/surface.ts';

/** What rules and strategies may look at, read cheaply from the raw request. */
export interface RequestFeatures {
  /** Rough input size: about four bytes a token over the whole body. */
  inputTokens: number;
  toolNames: string[];
  requestKind: string | undefined;
  headers: IncomingHttpHeaders;
  metadata: Record<string, unknown>;
  /** A cache key from the body (`prompt_cache_key`), or a session header: what sticky sessions key on. */
  sessionKey: string | undefined;
}

/**
 * Features of a parsed request: the dialect reads its own tool names, cache key and metadata
 * (`Surface.readRoutingHints`); this adds what the headers say.
 */
export function readRequestFeatures(hints: RoutingHints, bodyBytes: number, headers: IncomingHttpHeaders): RequestFeatures {
  return {
    inputTokens: Math.ceil(bodyBytes / 4),
    toolNames: hints.toolNames,
    requestKind: requestKind(headers),
    headers,
    metadata: hints.metadata,
    sessionKey: sessionKey(hints.cacheKey, headers),
  };
}

/** Features for a request no rule or strategy looks into: nothing but the size. */
export function minimalFeatures(bodyBytes: number, headers: IncomingHttpHeaders): RequestFeatures {
  return { inputTokens: Math.ceil(bodyBytes / 4), toolNames: [], requestKind: undefined, headers, metadata: {}, sessionKey: undefined };
}

function requestKind(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers['x-codex-turn-metadata'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return isRecord(parsed) && typeof parsed['request_kind'] === 'string' ? parsed['request_kind'] : undefined;
  } catch {
    return undefined;
  }
}

function sessionKey(cacheKey: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  if (cacheKey) return `cache:${cacheKey}`;
  for (const name of ['session-id', 'x-session-id', 'x-switchyard-session']) {
    const value = headers[name];
    if (typeof value === 'string' && value) return `session:${value}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
