/**
 * What the encoder must know about a Claude model that the target profile may not say:
 * a safe default for the mandatory `max_tokens`, the documented output ceiling, and which
 * thinking API it takes. Budgeted thinking (`type:"enabled"`) is deprecated on 4.6 and
 * rejected from Opus 4.7 on, which take `type:"adaptive"` plus `output_config.effort`.
 */
export interface AnthropicModelProfile {
  /** Whether the name was recognised (only then is `maxTokensCeiling` enforced). */
  known: boolean;
  defaultMaxTokens: number;
  maxTokensCeiling: number;
  thinking: 'adaptive' | 'budget' | 'none';
  /**
   * Whether `role: "system"` messages inside `messages` are accepted (Claude Opus 4.8 and later,
   * under the `per-turn-control` beta); older models answer 400 "role 'system' is not
   * supported on this model". The provider quirk `system_messages: true|false` overrides it.
   */
  systemMessages: boolean;
}

interface ClaudeVersion {
  tier: 'opus' | 'sonnet' | 'haiku';
  major: number;
  minor: number;
}

/** A version component, not a date stamp (`20250514`) or a build suffix. */
function versionPart(text: string | undefined): number {
  if (text === undefined || text.length > 2) return 0;
  return Number(text);
}

/** Reads `claude-sonnet-4-5-20250929`, `claude-opus-4.1`, `claude-3-7-sonnet-latest`, … */
export function parseClaudeVersion(model: string): ClaudeVersion | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  const modern = /claude-(opus|sonnet|haiku)-(\d+)(?:[-.](\d+))?/.exec(name);
  if (modern) {
    return { tier: modern[1] as ClaudeVersion['tier'], major: Number(modern[2]), minor: versionPart(modern[3]) };
  }
  const legacy = /claude-(\d+)(?:[-.](\d+))?-(opus|sonnet|haiku)/.exec(name);
  if (legacy) {
    return { tier: legacy[3] as ClaudeVersion['tier'], major: Number(legacy[1]), minor: versionPart(legacy[2]) };
  }
  return undefined;
}

export function anthropicModelProfile(model: string): AnthropicModelProfile {
  const version = parseClaudeVersion(model);
  // Anthropic-compatible servers (other vendors' `/v1/messages`): the budgeted API is the
  // common subset, and 8192 output tokens is accepted almost everywhere.
  if (!version) return { known: false, defaultMaxTokens: 8192, maxTokensCeiling: 32000, thinking: 'budget', systemMessages: false };
  const level = version.major + version.minor / 10;
  if (level >= 4) {
    const ceiling = version.tier === 'opus' && level < 4.5 ? 32000 : 64000;
    return {
      known: true,
      defaultMaxTokens: 32000,
      maxTokensCeiling: ceiling,
      thinking: level >= 4.6 ? 'adaptive' : 'budget',
      systemMessages: level >= 4.8,
    };
  }
  if (level >= 3.7) return { known: true, defaultMaxTokens: 32000, maxTokensCeiling: 64000, thinking: 'budget', systemMessages: false };
  if (level >= 3.5) return { known: true, defaultMaxTokens: 8192, maxTokensCeiling: 8192, thinking: 'none', systemMessages: false };
  return { known: true, defaultMaxTokens: 4096, maxTokensCeiling: 4096, thinking: 'none', systemMessages: false };
}

/** Whether the target takes `role: "system"` messages inside `messages` (the model's capability, or the provider's quirk). */
export function acceptsSystemMessages(model: string, quirks: Record<string, unknown> | undefined): boolean {
  const quirk = quirks?.system_messages;
  return typeof quirk === 'boolean' ? quirk : anthropicModelProfile(model).systemMessages;
}
