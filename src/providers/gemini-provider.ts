import type { ProviderConfig } from '../config/runtime-config.ts';
import { baseHeaders, type PreparedCall, type Provider } from './provider.ts';

/** Google AI Studio (`type: gemini`): `v1beta`, key in `x-goog-api-key`, SSE via `alt=sse`. */
export class GeminiProvider implements Provider {
  readonly dialect = 'gemini' as const;
  readonly family = 'gemini' as const;

  constructor(readonly config: ProviderConfig) {}

  prepareCountTokens(model: string): PreparedCall {
    const prepared = this.prepare({ model, stream: false });
    return { ...prepared, url: prepared.url.replace(/:generateContent$/, ':countTokens') };
  }

  prepare(call: { model: string; stream: boolean }): PreparedCall {
    const headers = baseHeaders(this.config, call.stream);
    if (this.config.apiKey) headers['x-goog-api-key'] = this.config.apiKey.reveal();
    const model = encodeURIComponent(call.model.replace(/^models\//, ''));
    // Without alt=sse, streamGenerateContent answers a JSON array stream: always ask for SSE.
    const method = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return { url: `${this.config.baseUrl}/v1beta/models/${model}:${method}`, headers };
  }
}
