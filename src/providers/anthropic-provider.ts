import { baseHeaders, type ProviderDescriptor, type ProviderSettings } from './provider-descriptor.ts';

const auth = (settings: ProviderSettings): Record<string, string> => ({
  ...(settings.apiKey ? { 'x-api-key': settings.apiKey.reveal() } : {}),
  'anthropic-version': settings.apiVersion ?? '2023-06-01',
});

/** Anthropic Messages (`type: anthropic`); base URL without `/v1` by the SDK's convention. */
export const anthropicProvider: ProviderDescriptor = {
  type: 'anthropic',
  dialect: 'anthropic-messages',
  family: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  keyEnv: ['ANTHROPIC_API_KEY'],
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  requiresKey: true,
  fromEnvironment: true,
  modelPrefixes: [/^claude/],
  genAiSystem: 'anthropic',
  defaultContextWindow: 200_000,
  prepare: (settings, call) => ({ url: `${settings.baseUrl}/v1/messages`, headers: { ...baseHeaders(settings, call.stream), ...auth(settings) } }),
  prepareCountTokens: (settings) => ({ url: `${settings.baseUrl}/v1/messages/count_tokens`, headers: { ...baseHeaders(settings, false), ...auth(settings) } }),
  probe: (settings) => ({ url: `${settings.baseUrl}/v1/models`, headers: auth(settings) }),
};
