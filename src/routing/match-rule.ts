import type { RoutingRuleConfig } from '../config/schema.ts';
import type { RequestFeatures } from './request-features.ts';

/** First rule whose every condition holds wins; undefined when none does. */
export function matchRule(rules: readonly RoutingRuleConfig[], requestedModel: string, features: RequestFeatures): RoutingRuleConfig | undefined {
  return rules.find((rule) => ruleHolds(rule, requestedModel, features));
}

function ruleHolds(rule: RoutingRuleConfig, requestedModel: string, features: RequestFeatures): boolean {
  const when = rule.when;
  if (when.model !== undefined && when.model.trim().toLowerCase() !== requestedModel.trim().toLowerCase()) return false;
  if (when.max_input_tokens !== undefined && !(features.inputTokens < when.max_input_tokens)) return false;
  if (when.min_input_tokens !== undefined && !(features.inputTokens >= when.min_input_tokens)) return false;
  if (when.has_tools !== undefined && when.has_tools !== features.toolNames.length > 0) return false;
  if (when.tools_include !== undefined && !when.tools_include.some((name) => features.toolNames.includes(name))) return false;
  if (when.request_kind !== undefined && when.request_kind !== features.requestKind) return false;
  for (const [name, value] of Object.entries(when.headers ?? {})) {
    if (features.headers[name.toLowerCase()] !== value) return false;
  }
  for (const [name, value] of Object.entries(when.metadata ?? {})) {
    if (String(features.metadata[name] ?? '') !== value) return false;
  }
  return true;
}
