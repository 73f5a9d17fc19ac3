import { chatCloudPreset } from './chat-cloud-preset.ts';

/**
 * OpenRouter (`type: openrouter`): OpenAI-compatible at `https://openrouter.ai/api/v1`; its
 * optional attribution headers (`HTTP-Referer`, `X-Title`) go in the provider's `headers`.
 */
export const openrouterProvider = chatCloudPreset({
  type: 'openrouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  keyEnv: 'OPENROUTER_API_KEY',
  baseUrlEnv: 'OPENROUTER_BASE_URL',
  genAiSystem: 'openrouter',
  defaultContextWindow: 128_000,
});
