import { baseHeaders, type ProviderDescriptor, type ProviderSettings } from './provider-descriptor.ts';

const apiKey = (settings: ProviderSettings): Record<string, string> => (settings.apiKey ? { 'api-key': settings.apiKey.reveal() } : {});

/**
 * Azure OpenAI's v1 Responses API (`type: azure-openai`): base URL
 * `https://<resource>.openai.azure.com/openai/v1`, key in `api-key`.
 */
export const azureOpenaiProvider: ProviderDescriptor = {
  type: 'azure-openai',
  dialect: 'openai-responses',
  family: 'openai',
  keyEnv: ['AZURE_OPENAI_API_KEY'],
  requiresKey: true,
  fromEnvironment: false,
  modelPrefixes: [],
  genAiSystem: 'azure.ai.openai',
  defaultContextWindow: 272_000,
  prepare: (settings, call) => {
    const query = settings.apiVersion ? `?api-version=${encodeURIComponent(settings.apiVersion)}` : '';
    return { url: `${settings.baseUrl}/responses${query}`, headers: { ...baseHeaders(settings, call.stream), ...apiKey(settings) } };
  },
  embeddings: {
    api: 'openai',
    prepare: (settings) => {
      const query = settings.apiVersion ? `?api-version=${encodeURIComponent(settings.apiVersion)}` : '';
      return { url: `${settings.baseUrl}/embeddings${query}`, headers: { ...baseHeaders(settings, false), ...apiKey(settings) } };
    },
  },
  probe: (settings) => ({ url: `${settings.baseUrl}/models`, headers: apiKey(settings) }),
};
