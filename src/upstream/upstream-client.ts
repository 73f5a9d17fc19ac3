import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { Agent, request } from './undici-core.ts';
import { guardedLookup } from './guarded-lookup.ts';
import type { ProviderConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  signal: AbortSignal;
}

/** Providers see the gateway, not the client's tool (whose user-agent is not forwarded). */
const gatewayUserAgent = 'switchyard-gateway';

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * The one HTTP client every provider call goes through: undici with keep-alive pools, one
 * Agent per provider so each gets its own connect timeout; first-byte and idle timeouts per
 * request. Connection failures and timeouts become provider_* GatewayErrors (transient, so
 * the attempt loop may retry or fall back).
 */
export class UpstreamClient {
  private readonly agents = new Map<string, UndiciAgent>();

  async send(provider: ProviderConfig, call: UpstreamCall): Promise<UpstreamResponse> {
    try {
      const upstream = await request(call.url, {
        method: 'POST',
        headers: call.headers['user-agent'] === undefined ? { ...call.headers, 'user-agent': gatewayUserAgent } : call.headers,
        body: call.body,
        signal: call.signal,
        dispatcher: this.agentFor(provider),
        headersTimeout: provider.timeouts.firstByteMs,
        bodyTimeout: provider.timeouts.idleMs,
      });
      // undici follows no redirects: a 3xx is a misconfigured base_url or a portal, never an answer.
      if (upstream.statusCode >= 300 && upstream.statusCode < 400) {
        discardBody(upstream);
        throw new GatewayError({
          code: 'provider_bad_response',
          message: `Provider "${provider.name}" answered with a redirect (HTTP ${upstream.statusCode}); check its base_url.`,
        });
      }
      return upstream;
    } catch (error) {
      throw toGatewayError(error, provider);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }

  /**
   * Closes the agents of providers no longer in use (after a reload, once the requests of
   * the old config are done); agents of unchanged providers keep their warm connections.
   */
  async retain(providers: Iterable<ProviderConfig>): Promise<void> {
    const keep = new Set([...providers].map(agentKey));
    const stale = [...this.agents.entries()].filter(([key]) => !keep.has(key));
    for (const [key] of stale) this.agents.delete(key);
    await Promise.all(stale.map(([, agent]) => agent.close()));
  }

  /** How many connection pools are open (one per provider and connect timeout). */
  get agentCount(): number {
    return this.agents.size;
  }

  private agentFor(provider: ProviderConfig): UndiciAgent {
    const key = agentKey(provider);
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({
        // A name that resolves to a metadata or link-local address is refused at connect time too.
        connect: { timeout: provider.timeouts.connectMs, lookup: guardedLookup },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        pipelining: 1,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/** An agent's settings are its connect timeout; the origin is pooled inside it. */
function agentKey(provider: ProviderConfig): string {
  return `${provider.name}\u0000${provider.timeouts.connectMs}`;
}

/**
 * Maps undici's failures onto the error vocabulary, keeping the original as `cause`: timeouts,
 * refused or reset connections, DNS and TLS failures, and malformed answers. An abort (the
 * client left) is re-thrown as it is.
 */
export function toGatewayError(error: unknown, provider: ProviderConfig): unknown {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return error;
  const who = `Provider "${provider.name}"`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new GatewayError({ code: 'provider_timeout', message: `${who} timed out (${describeTimeout(code, provider)}).`, cause: error });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INFO' || code?.startsWith('HPE_')) {
    return new GatewayError({ code: 'provider_bad_response', message: `${who} sent a malformed HTTP answer (${code}).`, cause: error });
  }
  return new GatewayError({ code: 'provider_error', message: `${who} could not be reached (${describeConnectionFailure(code, name)}).`, cause: error });
}

function describeTimeout(code: string, provider: ProviderConfig): string {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `connect after ${seconds(provider.timeouts.connectMs)}`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return `first byte after ${seconds(provider.timeouts.firstByteMs)}`;
  return `idle for ${seconds(provider.timeouts.idleMs)}`;
}

function describeConnectionFailure(code: string | undefined, name: string | undefined): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code !== undefined && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS failure ${code}`;
  return code ?? name ?? 'connection error';
}

/** Drops an unread (or half-read) body and its connection; undici's late abort error is swallowed, not uncaught. */
export function discardBody(upstream: UpstreamResponse): void {
  upstream.body.on('error', () => undefined);
  upstream.body.destroy();
}
