import type { ProviderConfig } from '../config/runtime-config.ts';
import { AnthropicProvider } from './anthropic-provider.ts';
import { AzureOpenAiProvider } from './azure-openai-provider.ts';
import { GeminiProvider } from './gemini-provider.ts';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.ts';
import { OpenAiProvider } from './openai-provider.ts';
import type { Provider } from './provider.ts';

export function createProvider(config: ProviderConfig): Provider {
  switch (config.type) {
    case 'openai':
      return new OpenAiProvider(config);
    case 'azure-openai':
      return new AzureOpenAiProvider(config);
    case 'anthropic':
      return new AnthropicProvider(config);
    case 'gemini':
      return new GeminiProvider(config);
    case 'openai-compatible':
      return new OpenAiCompatibleProvider(config);
  }
}
