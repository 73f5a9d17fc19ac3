import { baseHeaders, bearer, type ProviderDescriptor } from './provider-descriptor.ts';

/**
 * Any Chat Completions server (`type: openai-compatible`): vLLM, Ollama, Groq, Mistral,
 * OpenRouter, DeepSeek… Base URL includes `/v1` (or the server's equivalent).
 */
export const openaiCompatibleProvider: ProviderDescriptor = {
  type: 'openai-compatible',
  dialect: 'openai-chat',
  family: 'openai-compatible',
  keyEnv: [],
  requiresKey: false,
  fromEnvironment: false,
  modelPrefixes: [],
  defaultContextWindow: 128_000,
  prepare: (settings, call) => ({ url: `${settings.baseUrl}/chat/completions`, headers: { ...baseHeaders(settings, call.stream), ...bearer(settings) } }),
  embeddings: {
    api: 'openai',
    prepare: (settings) => ({ url: `${settings.baseUrl}/embeddings`, headers: { ...baseHeaders(settings, false), ...bearer(settings) } }),
  },
  probe: (settings) => ({ url: `${settings.baseUrl}/models`, headers: bearer(settings) }),
};
