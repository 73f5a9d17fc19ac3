import type { ExchangeContext } from '../../core/dialect.ts';
import type { ReasoningEffort } from '../../core/ir/index.ts';
import { anthropicModelProfile } from './model-profile.ts';
import type { AnthropicEffort, AnthropicThinkingConfig } from './wire.ts';

/** Budgets per effort (minimal 1024, low 2048, medium 8192, high 24576 and up); Anthropic's floor is 1024. */
const budgetByEffort: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32000,
  max: 32000,
};

const minimumBudget = 1024;
/** Room left for the visible answer when `max_tokens` is raised to fit a budget. */
const answerRoom = 4096;

export interface OutputSettings {
  max_tokens: number;
  thinking?: AnthropicThinkingConfig;
  output_config?: Record<string, unknown>;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  /** Whether thinking is on: forced tool choice and prefill are then not allowed. */
  thinkingOn: boolean;
}

function effortFromBudget(budget: number): Exclude<ReasoningEffort, 'none'> {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

function adaptiveEffort(effort: Exclude<ReasoningEffort, 'none'>, levels: readonly string[]): AnthropicEffort {
  if (effort === 'minimal' || effort === 'low') return 'low';
  if (effort === 'medium' || effort === 'high') return effort;
  // xhigh exists only on some models ("Supported levels: high, low, max, medium").
  if (effort === 'xhigh' && levels.includes('xhigh')) return 'xhigh';
  return 'max';
}

/**
 * `max_tokens` (mandatory), thinking and sampling fields. `loopWithoutThinking` is set when
 * the history continues a tool loop whose assistant turn has no thinking block to lead with:
 * budgeted thinking is then rejected; adaptive thinking only when the calls were not Claude's.
 */
export function encodeOutputSettings(context: ExchangeContext, loopWithoutThinking?: { foreign: boolean }): OutputSettings {
  const { request, target, warnings } = context;
  const profile = anthropicModelProfile(target.model);
  const ceiling = target.maxOutputTokens ?? (profile.known ? profile.maxTokensCeiling : undefined);
  let maxTokens = request.maxOutputTokens ?? target.maxOutputTokens ?? profile.defaultMaxTokens;
  if (ceiling !== undefined && maxTokens > ceiling) {
    warnings.add('max_tokens_capped', `max_tokens ${maxTokens} exceeds the ${ceiling} limit of ${target.model}; capped.`);
    maxTokens = ceiling;
  }
  const settings: OutputSettings = { max_tokens: Math.max(1, Math.floor(maxTokens)), thinkingOn: false };

  const reasoning = request.reasoning;
  const effort = reasoning?.effort ?? target.defaultReasoningEffort;
  const wanted = !reasoning?.disabled && effort !== 'none' && (effort !== undefined || reasoning?.budgetTokens !== undefined);
  const style = typeof target.quirks?.thinking === 'string' ? String(target.quirks.thinking) : profile.thinking;
  const extension = request.extensions['anthropic-messages'];
  const display = (extension?.thinking as { display?: unknown } | undefined)?.display;

  if (wanted && (target.supportsReasoning === false || style === 'none')) {
    warnings.add('reasoning_dropped', `${target.model} does not think; the reasoning settings were dropped.`);
  } else if (wanted && loopWithoutThinking !== undefined && (style !== 'adaptive' || loopWithoutThinking.foreign)) {
    warnings.add('thinking_disabled', 'Thinking was turned off for this request: the current tool loop has no Anthropic thinking block to continue from.');
  } else if (wanted && style === 'adaptive') {
    const level = effort !== undefined ? effort : effortFromBudget(reasoning?.budgetTokens ?? budgetByEffort.medium);
    const levels = Array.isArray(target.quirks?.effort_levels) ? (target.quirks.effort_levels as string[]) : ['low', 'medium', 'high', 'max'];
    settings.thinking = { type: 'adaptive', ...(typeof display === 'string' ? { display } : {}) };
    settings.output_config = { effort: adaptiveEffort(level, levels) };
    settings.thinkingOn = true;
  } else if (wanted) {
    let budget = Math.max(minimumBudget, reasoning?.budgetTokens ?? budgetByEffort[effort as Exclude<ReasoningEffort, 'none'>]);
    if (budget >= settings.max_tokens && request.maxOutputTokens === undefined) {
      // The caller set no cap: make room for the budget plus an answer, within the ceiling.
      settings.max_tokens = Math.min(budget + answerRoom, ceiling ?? budget + answerRoom);
    }
    if (budget >= settings.max_tokens) {
      const room = settings.max_tokens - answerRoom >= minimumBudget ? settings.max_tokens - answerRoom : Math.floor(settings.max_tokens / 2);
      if (room >= minimumBudget) {
        warnings.add('thinking_budget_reduced', `Thinking budget ${budget} reduced to ${room} to stay below max_tokens ${settings.max_tokens}.`);
        budget = room;
      } else {
        warnings.add('thinking_disabled', `max_tokens ${settings.max_tokens} leaves no room for the 1024-token minimum thinking budget.`);
        budget = 0;
      }
    }
    if (budget > 0) {
      settings.thinking = { type: 'enabled', budget_tokens: budget, ...(typeof display === 'string' ? { display } : {}) };
      settings.thinkingOn = true;
    }
  }

  // Thinking fixes the sampling: Anthropic rejects temperature/top_k changes and top_p < 0.95.
  if (request.temperature !== undefined) {
    if (settings.thinkingOn) warnings.add('field_dropped', 'temperature is not allowed with thinking; dropped.');
    else if (request.temperature > 1) {
      // OpenAI's range is 0–2, Anthropic's 0–1.
      warnings.add('field_clamped', `temperature ${request.temperature} clamped to Anthropic's maximum of 1.`);
      settings.temperature = 1;
    } else settings.temperature = request.temperature;
  }
  if (request.topK !== undefined) {
    if (settings.thinkingOn) warnings.add('field_dropped', 'top_k is not allowed with thinking; dropped.');
    else settings.top_k = request.topK;
  }
  if (request.topP !== undefined) {
    if (settings.thinkingOn && request.topP < 0.95) warnings.add('field_dropped', 'top_p below 0.95 is not allowed with thinking; dropped.');
    else settings.top_p = request.topP;
  }
  return settings;
}
