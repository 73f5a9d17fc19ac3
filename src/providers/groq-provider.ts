import { chatCloudPreset } from './chat-cloud-preset.ts';

/** Groq (`type: groq`): OpenAI-compatible at `https://api.groq.com/openai/v1`. */
export const groqProvider = chatCloudPreset({
  type: 'groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  keyEnv: 'GROQ_API_KEY',
  baseUrlEnv: 'GROQ_BASE_URL',
  genAiSystem: 'groq',
  defaultContextWindow: 131_072,
});
