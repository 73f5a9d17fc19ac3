import type { ExchangeContext } from '../../core/dialect.ts';
import type { ModelRequest, ReasoningEffort } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { encodeInputItems } from './encode-input-items.ts';
import { encodeToolChoice, encodeTools } from './encode-tools.ts';
import { isRecord } from './wire.ts';
import { checkForeignFields } from '../shared/foreign-fields.ts';

/**
 * The IR into a `POST /v1/responses` body for an OpenAI upstream: the inverse of
 * `decodeRequest`. Extension fields kept by that decoder come first and IR fields override
 * them, so a Responses → Responses round trip rebuilds the client's body exactly (with
 * `model` replaced by the target's) while edits made on the IR still win.
 */
export function encodeRequest(context: ExchangeContext): Record<string, unknown> {
  const { request, target, toolNames, warnings } = context;
  checkForeignFields(context.request, 'openai-responses', context.warnings);
  const extension = request.extensions['openai-responses'];
  const sameDialect = extension !== undefined;
  const body: Record<string, unknown> = { ...(extension ?? {}) };
  body.model = target.model;

  const instructions = encodeInstructions(request, warnings);
  if (instructions !== undefined) body.instructions = instructions;
  body.input = encodeInputItems(request.messages, toolNames, warnings, sameDialect);

  if (request.tools.length > 0) body.tools = encodeTools(request.tools, { toolNames, warnings, sameDialect });
  if (request.toolChoice) body.tool_choice = encodeToolChoice(request.toolChoice, request.tools, toolNames);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;

  const reasoning = encodeReasoning(request, extension, context);
  if (reasoning !== undefined) body.reasoning = reasoning;

  if (request.maxOutputTokens !== undefined) body.max_output_tokens = encodeMaxOutputTokens(request.maxOutputTokens, sameDialect, warnings);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.add('field_dropped', 'OpenAI Responses has no top_k; it was dropped.');
  if (request.stopSequences?.length) warnings.add('field_dropped', 'OpenAI Responses has no stop sequences; they were dropped.');

  if (request.responseFormat) {
    const text = isRecord(extension?.text) ? extension.text : {};
    body.text = { ...text, format: request.responseFormat };
  }
  if (request.metadata !== undefined) body.metadata = sameDialect ? request.metadata : stringMetadata(request.metadata, warnings);
  // `safety_identifier` stays as the client sent it; `user` is only written when it says more.
  if (request.user !== undefined && request.user !== extension?.safety_identifier) body.user = request.user;
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  body.stream = request.stream;
  if (!sameDialect) {
    // A client of another dialect never asked OpenAI to keep anything: do not let the default
    // (store: true) retain its conversation, and carry reasoning statelessly instead.
    body.store = false;
    if (body.reasoning !== undefined) body.include = ['reasoning.encrypted_content'];
  }

  if (target.supportsReasoning === false) {
    for (const key of ['reasoning', 'include'] as const) {
      if (body[key] === undefined) continue;
      delete body[key];
      warnings.add('field_dropped', `${target.model} does not reason: \`${key}\` was not sent.`);
    }
  }
  return body;
}

/** OpenAI refuses `max_output_tokens` below 16 ("integer below minimum value"). */
const minimumOutputTokens = 16;

/**
 * Other dialects allow any positive limit (Claude Code probes with `max_tokens: 1`), so theirs
 * is raised to OpenAI's minimum: the answer may run a few tokens longer than asked, which
 * beats a 400 naming a parameter the client never sent. A Responses client's own value stays.
 */
function encodeMaxOutputTokens(limit: number, sameDialect: boolean, warnings: Warnings): number {
  if (sameDialect || limit >= minimumOutputTokens) return limit;
  warnings.add(
    'max_tokens_raised',
    `OpenAI Responses needs max_output_tokens >= ${minimumOutputTokens}; the limit of ${limit} was raised to ${minimumOutputTokens}.`,
  );
  return minimumOutputTokens;
}

function encodeInstructions(request: ModelRequest, warnings: Warnings): string | undefined {
  if (request.system.length === 0) return undefined;
  const texts: string[] = [];
  for (const block of request.system) {
    if (block.type === 'text') texts.push(block.text);
    else warnings.add('content_dropped', `A ${block.type} block in the system prompt cannot go into instructions; dropped.`);
  }
  return texts.join('\n\n');
}

function encodeReasoning(request: ModelRequest, extension: Record<string, unknown> | undefined, context: ExchangeContext): unknown {
  const kept = extension?.reasoning;
  const ir = request.reasoning;
  let effort: ReasoningEffort | undefined = ir?.effort;
  if (effort === undefined && ir?.budgetTokens !== undefined) {
    effort = effortForBudget(ir.budgetTokens);
    context.warnings.add('reasoning_mapped', `A thinking budget of ${ir.budgetTokens} tokens was sent as reasoning effort "${effort}".`);
  }
  const keptEffort = isRecord(kept) ? kept.effort : undefined;
  if (effort === undefined && keptEffort === undefined && !ir?.disabled && context.target.defaultReasoningEffort !== undefined) {
    effort = context.target.defaultReasoningEffort;
  }
  if (ir === undefined && kept === undefined && effort === undefined) return undefined;
  if (ir === undefined && !isRecord(kept) && effort === undefined) return kept; // `reasoning: null` as sent.
  const reasoning: Record<string, unknown> = isRecord(kept) ? { ...kept } : {};
  if (effort !== undefined) reasoning.effort = effort;
  if (ir?.summary !== undefined) reasoning.summary = ir.summary;
  // Another dialect's `thinking: disabled` alone says nothing OpenAI needs to hear.
  if (extension === undefined && Object.keys(reasoning).length === 0) return undefined;
  return reasoning;
}

/** OpenAI metadata holds at most 16 string values of up to 512 characters; other dialects' may not. */
function stringMetadata(metadata: Record<string, unknown>, warnings: Warnings): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string' && value.length <= 512 && key.length <= 64 && Object.keys(kept).length < 16) kept[key] = value;
    else warnings.add('field_dropped', `metadata.${key} does not fit OpenAI metadata; dropped.`);
  }
  return kept;
}

/** Anthropic/Gemini budgets to OpenAI levels: up to 2048 low, up to 8192 medium, above high. */
function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}
