import { invalidRequest } from '../../core/errors.ts';
import type { ModelRequest, ReasoningEffort, ToolChoice } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeMessages, decodeSystem } from './decode-messages.ts';
import { decodeTools } from './decode-tools.ts';
import { isRecord } from './wire.ts';

/** Request fields the IR models; everything else travels in `extensions['anthropic-messages']`. */
const modelledKeys = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
]);

const efforts = new Set<ReasoningEffort>(['minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${key} must be a number.`, key);
  return value;
}

/** A budget → the nearest portable effort (for upstreams that take an effort, not a budget). */
function effortFromBudget(budget: number): ReasoningEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 12000) return 'medium';
  return 'high';
}

function decodeReasoning(body: Record<string, unknown>): ModelRequest['reasoning'] {
  const thinking = body.thinking;
  const outputConfig = isRecord(body.output_config) ? body.output_config : {};
  const effort = efforts.has(outputConfig.effort as ReasoningEffort) ? (outputConfig.effort as ReasoningEffort) : undefined;
  if (!isRecord(thinking)) return undefined;
  switch (thinking.type) {
    case 'enabled': {
      const budget = typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : undefined;
      if (budget === undefined) throw invalidRequest('thinking.budget_tokens is required when thinking is enabled.', 'thinking.budget_tokens');
      return { budgetTokens: budget, effort: effort ?? effortFromBudget(budget) };
    }
    case 'adaptive':
      // Anthropic's default effort is high.
      return { effort: effort ?? 'high' };
    case 'disabled':
      return { disabled: true };
    default:
      throw invalidRequest('thinking.type must be enabled, adaptive or disabled.', 'thinking.type');
  }
}

function decodeToolChoice(value: unknown): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (!isRecord(value)) return {};
  const parallel = value.disable_parallel_tool_use === true ? { parallelToolCalls: false } : {};
  switch (value.type) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, ...parallel };
    case 'none':
      return { toolChoice: { type: 'none' } };
    case 'tool':
      if (typeof value.name !== 'string') throw invalidRequest('tool_choice.name is required for type "tool".', 'tool_choice.name');
      return { toolChoice: { type: 'tool', name: value.name, kind: 'function' }, ...parallel };
    default:
      throw invalidRequest('tool_choice.type must be auto, any, tool or none.', 'tool_choice.type');
  }
}

/** An Anthropic Messages request body (Claude Code and the Anthropic SDKs) → IR. */
export function decodeRequest(body: unknown, warnings: Warnings): ModelRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('model is required.', 'model');
  if (!Array.isArray(body.messages)) throw invalidRequest('messages must be an array.', 'messages');

  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!modelledKeys.has(key)) extensions[key] = value;
  }
  const request: ModelRequest = {
    model: body.model,
    system: decodeSystem(body.system, warnings),
    messages: decodeMessages(body.messages, warnings),
    tools: decodeTools(body.tools, warnings),
    stream: body.stream === true,
    // Always present (even empty): it also tells the Anthropic encoder the caller speaks Anthropic.
    extensions: { 'anthropic-messages': extensions },
  };
  Object.assign(request, decodeToolChoice(body.tool_choice));
  const reasoning = decodeReasoning(body);
  if (reasoning) request.reasoning = reasoning;
  const maxTokens = optionalNumber(body, 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body, 'top_k');
  if (topK !== undefined) request.topK = topK;
  if (Array.isArray(body.stop_sequences)) request.stopSequences = body.stop_sequences.filter((value): value is string => typeof value === 'string');
  if (isRecord(body.metadata)) {
    request.metadata = body.metadata;
    if (typeof body.metadata.user_id === 'string') request.user = body.metadata.user_id;
  }
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (isRecord(format) && format.type === 'json_schema' && isRecord(format.schema)) {
    request.responseFormat = { type: 'json_schema', schema: format.schema };
  }
  return request;
}
