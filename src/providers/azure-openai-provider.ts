import type { ProviderConfig } from '../config/runtime-config.ts';
import { baseHeaders, type PreparedCall, type Provider } from './provider.ts';

/**
 * Azure OpenAI's v1 Responses API (`type: azure-openai`): base URL
 * `https://<resource>.openai.azure.com/openai/v1`, key in `api-key`.
 */
export class AzureOpenAiProvider implements Provider {
  readonly dialect = 'openai-responses' as const;
  readonly family = 'openai' as const;
  private readonly url: string;

  constructor(readonly config: ProviderConfig) {
    const query = config.apiVersion ? `?api-version=${encodeURIComponent(config.apiVersion)}` : '';
    this.url = `${config.baseUrl}/responses${query}`;
  }

  prepare(call: { model: string; stream: boolean }): PreparedCall {
    const headers = baseHeaders(this.config, call.stream);
    if (this.config.apiKey) headers['api-key'] = this.config.apiKey.reveal();
    return { url: this.url, headers };
  }
}
