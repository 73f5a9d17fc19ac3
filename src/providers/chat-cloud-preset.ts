import { baseHeaders, bearer, type ProviderDescriptor } from './provider-descriptor.ts';

/** What differs between the OpenAI-compatible clouds: everything else is the Chat Completions dialect with a bearer key. */
export interface ChatCloudFacts {
  type: string;
  defaultBaseUrl: string;
  keyEnv: string;
  baseUrlEnv: string;
  modelPrefixes?: RegExp[];
  genAiSystem: string;
  defaultContextWindow: number;
  quirks?: ProviderDescriptor['quirks'];
  /** Whether the cloud serves `POST /embeddings` in OpenAI's shape. */
  embeddings?: boolean;
}

/** A named OpenAI-compatible cloud (`type: mistral`, `groq`…): one descriptor over the Chat dialect. */
export function chatCloudPreset(facts: ChatCloudFacts): ProviderDescriptor {
  return {
    type: facts.type,
    dialect: 'openai-chat',
    family: 'openai-compatible',
    defaultBaseUrl: facts.defaultBaseUrl,
    keyEnv: [facts.keyEnv],
    baseUrlEnv: facts.baseUrlEnv,
    requiresKey: true,
    fromEnvironment: true,
    modelPrefixes: facts.modelPrefixes ?? [],
    genAiSystem: facts.genAiSystem,
    defaultContextWindow: facts.defaultContextWindow,
    ...(facts.quirks ? { quirks: facts.quirks } : {}),
    ...(facts.embeddings
      ? {
          embeddings: {
            api: 'openai' as const,
            prepare: (settings) => ({ url: `${settings.baseUrl}/embeddings`, headers: { ...baseHeaders(settings, false), ...bearer(settings) } }),
          },
        }
      : {}),
    prepare: (settings, call) => ({ url: `${settings.baseUrl}/chat/completions`, headers: { ...baseHeaders(settings, call.stream), ...bearer(settings) } }),
    probe: (settings) => ({ url: `${settings.baseUrl}/models`, headers: bearer(settings) }),
  };
}
