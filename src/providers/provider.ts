import type { ProviderConfig } from '../config/runtime-config.ts';
import type { DialectId, ProviderFamily } from '../core/ir/index.ts';

export interface PreparedCall {
  url: string;
  headers: Record<string, string>;
}

/**
 * A deployment speaking one dialect. Adding a vendor that speaks an existing dialect is a
 * config entry plus at most one file like this.
 */
export interface Provider {
  readonly config: ProviderConfig;
  readonly dialect: DialectId;
  readonly family: ProviderFamily;
  /** URL and headers (credentials included) for a model call. */
  prepare(call: { model: string; stream: boolean }): PreparedCall;
  /** The provider's own token counting endpoint, when it has one. */
  prepareCountTokens?(model: string): PreparedCall;
}

/** Headers every call carries: JSON in, the config's extra headers, and no compression (we parse SSE). */
export function baseHeaders(config: ProviderConfig, stream: boolean): Record<string, string> {
  return {
    ...config.headers,
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
  };
}
