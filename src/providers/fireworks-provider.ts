import { chatCloudPreset } from './chat-cloud-preset.ts';

/** Fireworks AI (`type: fireworks`): OpenAI-compatible at `https://api.fireworks.ai/inference/v1` (models `accounts/fireworks/models/…`). */
export const fireworksProvider = chatCloudPreset({
  type: 'fireworks',
  defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
  keyEnv: 'FIREWORKS_API_KEY',
  baseUrlEnv: 'FIREWORKS_BASE_URL',
  genAiSystem: 'fireworks',
  embeddings: true,
  defaultContextWindow: 131_072,
});
