import type { ProviderConfig } from '../config/runtime-config.ts';
import { baseHeaders, type PreparedCall, type Provider } from './provider.ts';

/** Anthropic Messages (`type: anthropic`); base URL without `/v1` by the SDK's convention. */
export class AnthropicProvider implements Provider {
  readonly dialect = 'anthropic-messages' as const;
  readonly family = 'anthropic' as const;
  private readonly url: string;

  constructor(readonly config: ProviderConfig) {
    this.url = `${config.baseUrl}/v1/messages`;
  }

  prepareCountTokens(): PreparedCall {
    return { ...this.prepare({ model: '', stream: false }), url: `${this.config.baseUrl}/v1/messages/count_tokens` };
  }

  prepare(call: { model: string; stream: boolean }): PreparedCall {
    const headers = baseHeaders(this.config, call.stream);
    if (this.config.apiKey) headers['x-api-key'] = this.config.apiKey.reveal();
    headers['anthropic-version'] = this.config.apiVersion ?? '2023-06-01';
    return { url: this.url, headers };
  }
}
