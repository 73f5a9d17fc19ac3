import type { ProviderConfig } from '../config/runtime-config.ts';
import { baseHeaders, type PreparedCall, type Provider } from './provider.ts';

/** OpenAI's Responses API (`type: openai`); base URL includes `/v1` by the SDK's convention. */
export class OpenAiProvider implements Provider {
  readonly dialect = 'openai-responses' as const;
  readonly family = 'openai' as const;
  private readonly url: string;

  constructor(readonly config: ProviderConfig) {
    this.url = `${config.baseUrl}/responses`;
  }

  prepare(call: { model: string; stream: boolean }): PreparedCall {
    const headers = baseHeaders(this.config, call.stream);
    if (this.config.apiKey) headers['authorization'] = `Bearer ${this.config.apiKey.reveal()}`;
    return { url: this.url, headers };
  }
}
