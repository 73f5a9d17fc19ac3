import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';

/**
 * undici's `Agent` and `request`, without loading its index: the index also loads fetch,
 * WebSocket, EventSource, the mock and cache layers and every interceptor, which the gateway
 * never uses and which cost ~9 MB of resident memory at idle (docs/performance.md). undici is
 * pinned and has no `exports` map, so these paths are stable for its version; the packed-install
 * test proves they resolve from an installed tarball.
 */
const load = createRequire(import.meta.url);
export const Agent = load('undici/lib/dispatcher/agent') as typeof UndiciAgent;
const apiRequest = load('undici/lib/api/api-request') as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method: Dispatcher.HttpMethod; dispatcher: Dispatcher };

/** `undici.request(url, options)` for an explicit dispatcher (what the index's wrapper does). */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const parsed = new URL(url);
  return apiRequest.call(dispatcher, { ...rest, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` });
}
