import type { KeyConfig, RuntimeConfig } from '../../config/runtime-config.ts';
import { mergeGuardrails, type GuardrailsConfig } from '../../config/guardrails-config.ts';

/**
 * The guardrails in force for a request: the top-level block, then the key's team, then the
 * key, then the requested model alias (the most specific wins, field by field).
 */
export function guardrailsFor(
  config: Pick<RuntimeConfig, 'guardrails' | 'teamGuardrails' | 'models'>,
  key: KeyConfig | undefined,
  alias: string | null,
): GuardrailsConfig {
  const team = key?.team === undefined ? undefined : config.teamGuardrails[key.team];
  const model =
    alias === null ? undefined : (config.models[alias] ?? Object.values(config.models).find((entry) => entry.alias.toLowerCase() === alias.toLowerCase()));
  return mergeGuardrails(config.guardrails, team, key?.guardrails, model?.guardrails);
}
