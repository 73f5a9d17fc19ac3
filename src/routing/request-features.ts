import type { IncomingHttpHeaders } from 'node:http';

/** What rules and strategies may look at, read cheaply from the raw request. */
export interface RequestFeatures {
  /** Rough input size: about four bytes a token over the whole body. */
  inputTokens: number;
  toolNames: string[];
  requestKind: string | undefined;
  headers: IncomingHttpHeaders;
  metadata: Record<string, unknown>;
  /** `prompt_cache_key`, or a session header: what sticky sessions key on. */
  sessionKey: string | undefined;
}

/** Reads features from any dialect's body (tool shapes of all four wire formats). */
export function readRequestFeatures(body: Record<string, unknown>, bodyBytes: number, headers: IncomingHttpHeaders): RequestFeatures {
  return {
    inputTokens: Math.ceil(bodyBytes / 4),
    toolNames: toolNames(body),
    requestKind: requestKind(headers),
    headers,
    metadata: isRecord(body['metadata']) ? body['metadata'] : {},
    sessionKey: sessionKey(body, headers),
  };
}

/** Features for a request no rule or strategy looks into: nothing but the size. */
export function minimalFeatures(bodyBytes: number, headers: IncomingHttpHeaders): RequestFeatures {
  return { inputTokens: Math.ceil(bodyBytes / 4), toolNames: [], requestKind: undefined, headers, metadata: {}, sessionKey: undefined };
}

function toolNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  const visit = (tool: unknown) => {
    if (!isRecord(tool)) return;
    if (typeof tool['name'] === 'string') names.push(tool['name']);
    if (isRecord(tool['function']) && typeof tool['function']['name'] === 'string') names.push(tool['function']['name']);
    if (Array.isArray(tool['tools'])) tool['tools'].forEach(visit);
    if (Array.isArray(tool['functionDeclarations'])) tool['functionDeclarations'].forEach(visit);
  };
  if (Array.isArray(body['tools'])) body['tools'].forEach(visit);
  // Responses-Lite: tools arrive as an `additional_tools` input item.
  if (Array.isArray(body['input'])) {
    for (const item of body['input']) if (isRecord(item) && item['type'] === 'additional_tools' && Array.isArray(item['tools'])) item['tools'].forEach(visit);
  }
  return names;
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

function sessionKey(body: Record<string, unknown>, headers: IncomingHttpHeaders): string | undefined {
  if (typeof body['prompt_cache_key'] === 'string' && body['prompt_cache_key']) return `cache:${body['prompt_cache_key']}`;
  for (const name of ['session-id', 'x-session-id', 'x-switchyard-session']) {
    const value = headers[name];
    if (typeof value === 'string' && value) return `session:${value}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
