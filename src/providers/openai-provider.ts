import { baseHeaders, bearer, type ProviderDescriptor } from './provider-descriptor.ts';

/** OpenAI's Responses API (`type: openai`); base URL includes `/v1` by the SDK's convention. */
export const openaiProvider: ProviderDescriptor = {
  type: 'openai',
  dialect: 'openai-responses',
  family: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  keyEnv: ['OPENAI_API_KEY'],
  baseUrlEnv: 'OPENAI_BASE_URL',
  requiresKey: true,
  fromEnvironment: true,
  modelPrefixes: [/^(gpt-|o\d|chatgpt-|codex-|computer-use)/],
  genAiSystem: 'openai',
  defaultContextWindow: 272_000,
  prepare: (settings, call) => ({ url: `${settings.baseUrl}/responses`, headers: { ...baseHeaders(settings, call.stream), ...bearer(settings) } }),
  embeddings: {
    api: 'openai',
    prepare: (settings) => ({ url: `${settings.baseUrl}/embeddings`, headers: { ...baseHeaders(settings, false), ...bearer(settings) } }),
  },
  probe: (settings) => ({ url: `${settings.baseUrl}/models`, headers: bearer(settings) }),
};
