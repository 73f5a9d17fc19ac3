import { chatCloudPreset } from './chat-cloud-preset.ts';

/**
 * DeepSeek (`type: deepseek`): OpenAI-compatible at `https://api.deepseek.com/v1`. Text only
 * (`images: false`: an image is a clear 400 naming the gap, not the provider's error).
 */
export const deepseekProvider = chatCloudPreset({
  type: 'deepseek',
  defaultBaseUrl: 'https://api.deepseek.com/v1',
  keyEnv: 'DEEPSEEK_API_KEY',
  baseUrlEnv: 'DEEPSEEK_BASE_URL',
  modelPrefixes: [/^deepseek-/],
  genAiSystem: 'deepseek',
  defaultContextWindow: 128_000,
  quirks: { images: false },
});
