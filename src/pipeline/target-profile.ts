import type { TargetConfig } from '../config/runtime-config.ts';
import type { TargetProfile } from '../core/dialect.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';

export function targetProfile(target: TargetConfig, provider: Provider): TargetProfile {
  const profile: TargetProfile = { model: target.model, family: provider.familyFor(target.model) };
  if (Object.keys(provider.config.quirks).length > 0) profile.quirks = provider.config.quirks;
  if (target.contextWindow) profile.contextWindow = target.contextWindow;
  if (target.maxOutputTokens) profile.maxOutputTokens = target.maxOutputTokens;
  if (target.reasoningEffort) profile.defaultReasoningEffort = target.reasoningEffort;
  if (target.supportsReasoning !== undefined) profile.supportsReasoning = target.supportsReasoning;
  if (target.promptCaching === false) profile.promptCaching = false;
  return profile;
}
