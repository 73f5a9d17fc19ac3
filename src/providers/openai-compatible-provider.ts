import type { ProviderConfig } from '../config/runtime-config.ts';
import { baseHeaders, type PreparedCall, type Provider } from './provider.ts';

/**
 * Any Chat Completions server (`type: openai-compatible`): vLLM, Ollama, Groq, Mistral,
 * OpenRouter, DeepSeek… Base URL includes `/v1` (or the server's equivalent).
 */
export class OpenAiCompatibleProvider implements Provider {
  readonly dialect = 'openai-chat' as const;
  readonly family = 'openai-compatible' as const;
  private readonly url: string;

  constructor(readonly config: ProviderConfig) {
    this.url = `${config.baseUrl}/chat/completions`;
  }

  prepare(call: { model: string; stream: boolean }): PreparedCall {
    const headers = baseHeaders(this.config, call.stream);
    if (this.config.apiKey) headers['authorization'] = `Bearer ${this.config.apiKey.reveal()}`;
    return { url: this.url, headers };
  }
}
