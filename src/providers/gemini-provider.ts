import { baseHeaders, type ProviderDescriptor, type ProviderSettings } from './provider-descriptor.ts';

const apiKey = (settings: ProviderSettings): Record<string, string> => (settings.apiKey ? { 'x-goog-api-key': settings.apiKey.reveal() } : {});

function modelUrl(settings: ProviderSettings, model: string, method: string): string {
  return `${settings.baseUrl}/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}:${method}`;
}

/** Google AI Studio (`type: gemini`): `v1beta`, key in `x-goog-api-key`, SSE via `alt=sse`. */
export const geminiProvider: ProviderDescriptor = {
  type: 'gemini',
  dialect: 'gemini',
  family: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  baseUrlEnv: 'GEMINI_BASE_URL',
  requiresKey: true,
  fromEnvironment: true,
  modelPrefixes: [/^(gemini|gemma)/],
  genAiSystem: 'gcp.gemini',
  defaultContextWindow: 1_048_576,
  // Without alt=sse, streamGenerateContent answers a JSON array stream: always ask for SSE.
  prepare: (settings, call) => ({
    url: modelUrl(settings, call.model, call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
    headers: { ...baseHeaders(settings, call.stream), ...apiKey(settings) },
  }),
  prepareCountTokens: (settings, model) => ({
    url: modelUrl(settings, model, 'countTokens'),
    headers: { ...baseHeaders(settings, false), ...apiKey(settings) },
  }),
  embeddings: {
    api: 'gemini',
    prepare: (settings, model) => ({ url: modelUrl(settings, model, 'batchEmbedContents'), headers: { ...baseHeaders(settings, false), ...apiKey(settings) } }),
  },
  probe: (settings) => ({ url: `${settings.baseUrl}/v1beta/models`, headers: apiKey(settings) }),
  // AI Studio answers a bad key with 400 API_KEY_INVALID.
  keyRejectedStatus: (status) => status === 400,
};
