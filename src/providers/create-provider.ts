import type { Provider } from './provider.ts';
import type { ProviderSettings } from './provider-descriptor.ts';
import { providerDescriptor, type ProviderType } from './registry.ts';

export function createProvider<C extends ProviderSettings & { type: ProviderType }>(config: C): Provider<C> {
  const descriptor = providerDescriptor(config.type);
  const countTokens = descriptor.prepareCountTokens;
  const embeddings = descriptor.embeddings;
  return {
    config,
    dialect: descriptor.dialect,
    family: descriptor.family,
    dialectFor: (model) => descriptor.modelDialect?.(model, config)?.dialect ?? descriptor.dialect,
    familyFor: (model) => descriptor.modelDialect?.(model, config)?.family ?? descriptor.family,
    prepare: (call) => descriptor.prepare(config, call),
    ...(countTokens ? { prepareCountTokens: (model: string) => countTokens(config, model) } : {}),
    ...(embeddings ? { embeddings: { api: embeddings.api, prepare: (model: string) => embeddings.prepare(config, model) } } : {}),
    ...(descriptor.createTransport ? { transport: descriptor.createTransport(config) } : {}),
  };
}
