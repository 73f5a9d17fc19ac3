import { anthropicProvider } from './anthropic-provider.ts';
import { azureOpenaiProvider } from './azure-openai-provider.ts';
import { bedrockProvider } from './bedrock-provider.ts';
import { deepseekProvider } from './deepseek-provider.ts';
import { fireworksProvider } from './fireworks-provider.ts';
import { geminiProvider } from './gemini-provider.ts';
import { groqProvider } from './groq-provider.ts';
import { mistralProvider } from './mistral-provider.ts';
import { openrouterProvider } from './openrouter-provider.ts';
import { togetherProvider } from './together-provider.ts';
import { openaiCompatibleProvider } from './openai-compatible-provider.ts';
import { openaiProvider } from './openai-provider.ts';
import { vertexProvider } from './vertex-provider.ts';
import type { ProviderDescriptor } from './provider-descriptor.ts';

/** Every provider type: adding one that speaks an existing dialect is one descriptor file plus one line here. */
export const providerDescriptors = {
  openai: openaiProvider,
  'openai-compatible': openaiCompatibleProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  'azure-openai': azureOpenaiProvider,
  bedrock: bedrockProvider,
  vertex: vertexProvider,
  mistral: mistralProvider,
  groq: groqProvider,
  together: togetherProvider,
  fireworks: fireworksProvider,
  deepseek: deepseekProvider,
  openrouter: openrouterProvider,
} as const satisfies Record<string, ProviderDescriptor>;

export type ProviderType = keyof typeof providerDescriptors;
export const providerTypes = Object.keys(providerDescriptors) as [ProviderType, ...ProviderType[]];

export function providerDescriptor(type: ProviderType): ProviderDescriptor {
  return providerDescriptors[type];
}
