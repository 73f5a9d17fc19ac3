import { chatCloudPreset } from './chat-cloud-preset.ts';

/** Together AI (`type: together`): OpenAI-compatible at `https://api.together.xyz/v1`. */
export const togetherProvider = chatCloudPreset({
  type: 'together',
  defaultBaseUrl: 'https://api.together.xyz/v1',
  keyEnv: 'TOGETHER_API_KEY',
  baseUrlEnv: 'TOGETHER_BASE_URL',
  genAiSystem: 'together_ai',
  embeddings: true,
  defaultContextWindow: 131_072,
});
