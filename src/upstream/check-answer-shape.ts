import type { ProviderConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';
import { discardBody, type UpstreamResponse } from './upstream-client.ts';

/**
 * Before a 2xx is committed: a JSON call must get JSON (or no content type, then the parse
 * decides), a stream call must get `text/event-stream`. An HTML page (captive portal, an
 * internal admin page) is never passed on as a model answer; its body is dropped unread.
 */
export function checkAnswerShape(upstream: UpstreamResponse, provider: ProviderConfig, stream: boolean, streamType = 'text/event-stream'): void {
  const header = upstream.headers['content-type'];
  const type = (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim().toLowerCase();
  const ok = stream ? type === streamType : type === undefined || type === '' || type === 'application/json' || type.endsWith('+json');
  if (ok) return;
  discardBody(upstream);
  throw new GatewayError({
    code: 'provider_bad_response',
    message: `Provider "${provider.name}" answered HTTP ${upstream.statusCode} with ${type ?? 'no content type'} where ${stream ? 'an event stream' : 'JSON'} was expected.`,
  });
}
