import { Agent, request, type Dispatcher } from 'undici';
import type { ProviderConfig } from '../config/runtime-config.ts';
import { GatewayError } from '../core/errors.ts';

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  signal: AbortSignal;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * The one HTTP client every provider call goes through: undici with keep-alive pools, one
 * Agent per provider so each gets its own connect timeout; first-byte and idle timeouts per
 * request. Connection failures and timeouts become provider_* GatewayErrors (transient, so
 * the attempt loop may retry or fall back).
 */
export class UpstreamClient {
  private readonly agents = new Map<string, Agent>();

  async send(provider: ProviderConfig, call: UpstreamCall): Promise<UpstreamResponse> {
    try {
      return await request(call.url, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        signal: call.signal,
        dispatcher: this.agentFor(provider),
        headersTimeout: provider.timeouts.firstByteMs,
        bodyTimeout: provider.timeouts.idleMs,
      });
    } catch (error) {
      throw toGatewayError(error, provider);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }

  private agentFor(provider: ProviderConfig): Agent {
    let agent = this.agents.get(provider.name);
    if (!agent) {
      agent = new Agent({
        connect: { timeout: provider.timeouts.connectMs },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        pipelining: 1,
      });
      this.agents.set(provider.name, agent);
    }
    return agent;
  }
}

/** Maps undici's failures onto the error vocabulary; abort is re-thrown as-is. */
export function toGatewayError(error: unknown, provider: ProviderConfig): unknown {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return error;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new GatewayError({ code: 'provider_timeout', message: `Provider "${provider.name}" timed out (${describeTimeout(code)}).` });
  }
  return new GatewayError({
    code: 'provider_error',
    message: `Provider "${provider.name}" could not be reached (${code ?? name ?? 'connection error'}).`,
  });
}

function describeTimeout(code: string): string {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'first byte';
  return 'idle';
}
