import type { ExchangeContext } from '../../core/dialect.ts';
import type { ReasoningEffort } from '../../core/ir/index.ts';
import { stripSchemaKeywords } from './encode-schema.ts';
import { geminiExtensionOf, requestedIncludeThoughts } from './gemini-extension.ts';
import { geminiModelProfile, type GeminiModelProfile } from './model-profile.ts';
import type { GeminiGenerationConfig, GeminiThinkingConfig, GeminiThinkingLevel } from './wire.ts';

/** Budgets per effort for budget-style models (minimal 512, low 2048, medium 8192, high 24576). */
const budgetByEffort: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

/** Gemini accepts at most five stop sequences. */
const maxStopSequences = 5;

function effortFromBudget(budget: number): Exclude<ReasoningEffort, 'none'> {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** The supported level nearest to an effort (ties go up: Gemini's own default is high). */
function levelFor(effort: Exclude<ReasoningEffort, 'none'>, levels: readonly GeminiThinkingLevel[]): GeminiThinkingLevel {
  const wanted: GeminiThinkingLevel = effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  if (levels.includes(wanted)) return wanted;
  const order: GeminiThinkingLevel[] = ['minimal', 'low', 'medium', 'high'];
  const position = order.indexOf(wanted);
  const above = order.slice(position).find((level) => levels.includes(level));
  return above ?? levels[levels.length - 1] ?? 'high';
}

/**
 * `thinkingConfig`: Gemini 3 takes a `thinkingLevel`, Gemini 2.5 a
 * `thinkingBudget`; thoughts are included (so the caller sees reasoning summaries and long
 * silences stay visible) unless a Gemini client said otherwise or reasoning is off.
 */
function encodeThinking(context: ExchangeContext, profile: GeminiModelProfile): GeminiThinkingConfig | undefined {
  const { request, target, warnings } = context;
  const reasoning = request.reasoning;
  const effort = reasoning?.effort ?? target.defaultReasoningEffort;
  const budget = reasoning?.budgetTokens;
  const off = reasoning?.disabled === true || effort === 'none';
  const includeThoughts = requestedIncludeThoughts(request) ?? true;
  const wanted = off || effort !== undefined || budget !== undefined;
  if (target.supportsReasoning === false || profile.thinking === 'none') {
    if (wanted && !off) warnings.add('reasoning_dropped', `${target.model} does not think; the reasoning settings were dropped.`);
    return undefined;
  }
  if (profile.thinking === 'level') {
    if (off) {
      const lowest = profile.levels[0] ?? 'low';
      warnings.add('thinking_not_disabled', `${target.model} cannot turn thinking off; sent thinkingLevel ${lowest}.`);
      return { thinkingLevel: lowest };
    }
    const chosen = effort !== undefined ? (effort as Exclude<ReasoningEffort, 'none'>) : budget !== undefined ? effortFromBudget(budget) : undefined;
    return { ...(includeThoughts ? { includeThoughts: true } : {}), ...(chosen !== undefined ? { thinkingLevel: levelFor(chosen, profile.levels) } : {}) };
  }
  if (off) {
    if (profile.minimumBudget === 0) return { thinkingBudget: 0 };
    warnings.add('thinking_not_disabled', `${target.model} cannot turn thinking off; sent its minimum thinkingBudget ${profile.minimumBudget}.`);
    return { thinkingBudget: profile.minimumBudget };
  }
  let tokens = budget ?? (effort !== undefined ? budgetByEffort[effort as Exclude<ReasoningEffort, 'none'>] : undefined);
  if (tokens !== undefined && tokens !== -1) {
    const clamped = Math.min(profile.maximumBudget, Math.max(Math.max(1, profile.minimumBudget), Math.floor(tokens)));
    if (clamped !== tokens && budget !== undefined)
      warnings.add(
        'thinking_budget_clamped',
        `thinkingBudget ${tokens} is outside ${profile.minimumBudget}–${profile.maximumBudget} for ${target.model}; sent ${clamped}.`,
      );
    tokens = clamped;
  }
  const config: GeminiThinkingConfig = includeThoughts ? { includeThoughts: true } : {};
  if (tokens !== undefined) config.thinkingBudget = tokens;
  return config;
}

/** `generationConfig`: limits, sampling, stop sequences, JSON output and thinking. */
export function encodeGenerationConfig(context: ExchangeContext): GeminiGenerationConfig | undefined {
  const { request, target, warnings } = context;
  const profile = geminiModelProfile(target.model, target.quirks);
  const extension = geminiExtensionOf(request).generationConfig ?? {};
  const config: GeminiGenerationConfig = { ...extension };
  delete config.thinkingConfig;

  if (request.maxOutputTokens !== undefined) {
    let tokens = Math.max(1, Math.floor(request.maxOutputTokens));
    if (target.maxOutputTokens !== undefined && tokens > target.maxOutputTokens) {
      warnings.add('max_tokens_capped', `maxOutputTokens ${tokens} exceeds the ${target.maxOutputTokens} limit of ${target.model}; capped.`);
      tokens = target.maxOutputTokens;
    }
    config.maxOutputTokens = tokens;
  }
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    if (request.stopSequences.length > maxStopSequences)
      warnings.add('stop_sequences_truncated', `Gemini takes at most ${maxStopSequences} stop sequences; the rest were dropped.`);
    config.stopSequences = request.stopSequences.slice(0, maxStopSequences);
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema' || format?.type === 'json_object') config.responseMimeType = 'application/json';
  // A Gemini client's OpenAPI-style `responseSchema` came back through the extension as sent.
  if (format?.type === 'json_schema' && config.responseSchema === undefined) config.responseJsonSchema = stripSchemaKeywords(format.schema);
  if (format?.type !== 'json_schema') delete config.responseSchema;

  const thinking = encodeThinking(context, profile);
  if (thinking !== undefined && Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}
