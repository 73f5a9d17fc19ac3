import type { ProviderConfig } from '../config/runtime-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { AnthropicProvider } from './anthropic-provider.ts';
import { OpenAiProvider } from './openai-provider.ts';
import type { Provider } from './provider.ts';

export function createProvider(config: ProviderConfig): Provider {
  switch (config.type) {
    case 'openai':
      return new OpenAiProvider(config);
    case 'anthropic':
      return new AnthropicProvider(config);
    default:
      throw new ConfigError(`providers.${config.name}.type: "${config.type}" is not available in this version yet`, 'use openai or anthropic');
  }
}
