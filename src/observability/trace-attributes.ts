import type { Attributes } from '@opentelemetry/api';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { providerDescriptor } from '../providers/registry.ts';
import type { RequestLogRow } from '../store/ports.ts';
import { microsToUsd } from './pricing.ts';
import { redactSecrets } from './redact.ts';

/**
 * Attribute names. The GenAI ones are the strings the installed
 * @opentelemetry/semantic-conventions 1.45 exports from its `incubating` entry (where
 * `gen_ai.provider.name` replaces the deprecated `gen_ai.system`); they are copied here, as
 * that package advises for incubating names, and a test pins them to the installed exports.
 */
export const attributeNames = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  // Stable names.
  httpResponseStatusCode: 'http.response.status_code',
  errorType: 'error.type',
  urlPath: 'url.path',
} as const;

/** Config provider name → `gen_ai.provider.name` value (pass to `createTracer`). */
export function genAiProviderNames(config: Pick<RuntimeConfig, 'providers'>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const provider of Object.values(config.providers)) names[provider.name] = providerDescriptor(provider.type).genAiSystem ?? provider.name;
  return names;
}

/** Client-chosen strings (model names) go through redaction and a length cap before export. */
export function safeString(value: string): string {
  const redacted = redactSecrets(value);
  return redacted.length > 128 ? `${redacted.slice(0, 128)}…` : redacted;
}

export interface RequestEndExtras {
  /** Why generation stopped, when the response said so (e.g. `stop`, `length`, `tool_calls`). */
  finishReasons?: string[];
  fallbacks?: number;
  cache?: 'hit' | 'miss' | 'bypass';
  /** Guardrail verdicts as `rule=action` (never values). */
  guardrails?: string[];
}

/**
 * What the request span carries once its log row is known. Never the prompt, the answer, the
 * error message (it may quote upstream text) or any header: ids, names, counts and codes only.
 */
export function requestEndAttributes(row: RequestLogRow, providerNames: Record<string, string>, extras: RequestEndExtras = {}): Attributes {
  const attributes: Attributes = {
    [attributeNames.operationName]: 'chat',
    [attributeNames.requestStream]: row.stream,
    [attributeNames.httpResponseStatusCode]: row.status,
    'switchyard.outcome': row.outcome,
    'switchyard.cost_usd': microsToUsd(row.costMicros),
    'switchyard.attempts': row.attempts.length,
    'switchyard.usage_estimated': row.usageEstimated,
    ...(extras.guardrails && extras.guardrails.length > 0 ? { 'switchyard.guardrails': extras.guardrails } : {}),
  };
  if (row.model !== null) attributes[attributeNames.requestModel] = safeString(row.model);
  if (row.servedModel !== null) attributes[attributeNames.responseModel] = safeString(row.servedModel);
  if (row.provider !== null) {
    attributes[attributeNames.providerName] = providerNames[row.provider] ?? row.provider;
    attributes['switchyard.provider'] = row.provider;
  }
  if (row.keyName !== null) attributes['switchyard.key_name'] = safeString(row.keyName);
  if (row.team !== null) attributes['switchyard.team'] = safeString(row.team);
  if (row.provider !== null) {
    attributes[attributeNames.usageInputTokens] = row.inputTokens;
    attributes[attributeNames.usageOutputTokens] = row.outputTokens;
    if (row.cachedInputTokens > 0) attributes[attributeNames.usageCacheReadInputTokens] = row.cachedInputTokens;
    if (row.cacheWriteTokens > 0) attributes[attributeNames.usageCacheCreationInputTokens] = row.cacheWriteTokens;
    if (row.reasoningTokens > 0) attributes[attributeNames.usageReasoningOutputTokens] = row.reasoningTokens;
  }
  if (row.ttfbMs !== null) attributes['switchyard.ttfb_ms'] = row.ttfbMs;
  if (row.errorCode !== null) attributes[attributeNames.errorType] = row.errorCode;
  if (row.rule !== null) attributes['switchyard.rule'] = safeString(row.rule);
  if (extras.finishReasons && extras.finishReasons.length > 0) attributes[attributeNames.responseFinishReasons] = extras.finishReasons.map(safeString);
  if (extras.fallbacks !== undefined) attributes['switchyard.fallbacks'] = extras.fallbacks;
  if (extras.cache !== undefined) attributes['switchyard.cache'] = extras.cache;
  // Attribution (names are checked identifiers; values client-chosen, so capped and redacted).
  for (const [name, value] of Object.entries(row.attributes ?? {})) attributes[`switchyard.attribute.${name}`] = safeString(value);
  if (row.tags && row.tags.length > 0) attributes['switchyard.tags'] = row.tags.map(safeString);
  if (row.experiment) attributes['switchyard.experiment'] = safeString(row.experiment);
  if (row.variant) attributes['switchyard.variant'] = safeString(row.variant);
  return attributes;
}
