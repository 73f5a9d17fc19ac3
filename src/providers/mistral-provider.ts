import { chatCloudPreset } from './chat-cloud-preset.ts';

/**
 * Mistral La Plateforme (`type: mistral`): `https://api.mistral.ai/v1`, hosted in the EU; the
 * base URL stays overridable (`MISTRAL_BASE_URL`, `base_url`) for a private or regional
 * deployment. Mistral refuses tool-call ids that are not exactly nine letters and digits
 * (`tool_call_id_length: 9`: other clients' ids are hashed to nine, stably).
 */
export const mistralProvider = chatCloudPreset({
  type: 'mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  keyEnv: 'MISTRAL_API_KEY',
  baseUrlEnv: 'MISTRAL_BASE_URL',
  modelPrefixes: [/^(mistral|magistral|codestral|devstral|ministral|pixtral|open-mistral|open-mixtral)/],
  genAiSystem: 'mistral_ai',
  embeddings: true,
  defaultContextWindow: 128_000,
  quirks: { tool_call_id_length: 9 },
});
