// Turns a Scenario into Anthropic content blocks and the exact Messages SSE sequence
// (test/fixtures/providers/anthropic-messages/*.sse): message_start, ping after the first
// block start, thinking (thinking_delta… then one signature_delta right before its stop),
// text, tool_use (input_json_delta starting with ""), message_delta, message_stop.
import { isPlainObject, randomAlphanumeric } from './fake-http.ts';
import type { PromptCacheUsage } from './anthropic-prompt-cache.ts';
import type { ThinkingSigner } from './anthropic-thinking-signer.ts';
import { thinkingModeOf } from './anthropic-request-validator.ts';
import { estimateTokens, splitIntoDeltas, splitIntoFragments, type Scenario } from './scenario.ts';

export type AnthropicEvent = { type: string } & Record<string, unknown>;

export type AnthropicReply = { events: AnthropicEvent[]; message: Record<string, any> };

export class AnthropicScenarioMismatchError extends Error {}

export function buildAnthropicReply(body: Record<string, any>, scenario: Scenario, signer: ThinkingSigner, promptCache?: PromptCacheUsage): AnthropicReply {
  const declared = new Set((Array.isArray(body.tools) ? body.tools : []).filter(isPlainObject).map((tool) => tool.name));
  const truncated = scenario.stop === 'length';
  const blockEvents: AnthropicEvent[][] = [];
  const content: Record<string, any>[] = [];
  const addBlock = (start: Record<string, any>, deltas: Record<string, any>[], final: Record<string, any> | undefined, closed = true) => {
    const index = blockEvents.length;
    blockEvents.push([
      { type: 'content_block_start', index, content_block: start },
      ...deltas.map((delta) => ({ type: 'content_block_delta', index, delta })),
      ...(closed ? [{ type: 'content_block_stop', index }] : []),
    ]);
    if (final) content.push(final);
  };

  // A real model only thinks when the request turned thinking on.
  if (scenario.reasoning && thinkingModeOf(body) !== 'disabled') {
    if (scenario.reasoning.redacted) {
      const data = signer.issueRedactedData();
      addBlock({ type: 'redacted_thinking', data }, [], { type: 'redacted_thinking', data });
    } else {
      // display "omitted" streams no thinking text; the signature covers what the client saw.
      const shown = body.thinking?.display === 'omitted' ? '' : scenario.reasoning.text;
      const signature = signer.signThinking(shown);
      addBlock(
        { type: 'thinking', thinking: '', signature: '' },
        [...splitIntoDeltas(shown).map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature }],
        { type: 'thinking', thinking: shown, signature },
      );
    }
  }
  if (scenario.text !== undefined) {
    addBlock(
      { type: 'text', text: '' },
      splitIntoDeltas(scenario.text).map((text) => ({ type: 'text_delta', text })),
      { type: 'text', text: scenario.text },
    );
  }
  const calls = scenario.toolCalls ?? [];
  for (const [index, call] of calls.entries()) {
    if (!declared.has(call.name)) {
      throw new AnthropicScenarioMismatchError(`scenario calls tool '${call.name}' that the request did not declare`);
    }
    const id = `toolu_01${randomAlphanumeric(22)}`;
    const raw = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const fragments = splitIntoFragments(raw);
    // max_tokens inside tool input: the JSON stops mid-way and the block is never closed
    // (test/fixtures/providers/anthropic-messages/max-tokens-truncated-tool-use.sse).
    const cut = truncated && index === calls.length - 1;
    const sent = cut ? fragments.slice(0, Math.ceil(fragments.length / 2)) : fragments;
    addBlock(
      { type: 'tool_use', id, name: call.name, input: {} },
      ['', ...sent].map((partial_json) => ({ type: 'input_json_delta', partial_json })),
      cut ? undefined : { type: 'tool_use', id, name: call.name, input: parseInput(raw) },
      !cut,
    );
  }

  const usage = computeUsage(body, scenario, promptCache);
  const stopReason = truncated ? 'max_tokens' : calls.length > 0 ? 'tool_use' : 'end_turn';
  const message = {
    model: body.model,
    id: `msg_01${randomAlphanumeric(22)}`,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { ...usage.start, output_tokens: usage.output },
  };
  const [firstBlock = [], ...otherBlocks] = blockEvents;
  const ping: AnthropicEvent = { type: 'ping' };
  const events: AnthropicEvent[] = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage.start, output_tokens: 1 } } },
    ...(firstBlock.length > 0 ? [firstBlock[0]!, ping, ...firstBlock.slice(1)] : [ping]),
    ...otherBlocks.flat(),
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: {
        input_tokens: usage.start.input_tokens,
        cache_creation_input_tokens: usage.start.cache_creation_input_tokens,
        cache_read_input_tokens: usage.start.cache_read_input_tokens,
        output_tokens: usage.output,
      },
    },
    { type: 'message_stop' },
  ];
  return { events, message };
}

function parseInput(raw: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(raw);
    return isPlainObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Scenario usage is provider-neutral; Anthropic's input_tokens EXCLUDES cache reads and writes.
 * Without scripted cached tokens the emulator's prompt cache says what was read and written.
 */
function computeUsage(body: Record<string, any>, scenario: Scenario, promptCache: PromptCacheUsage | undefined) {
  const promptText = JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]);
  const totalInput = scenario.usage?.input ?? estimateTokens(promptText);
  const scripted = scenario.usage?.cached !== undefined;
  const cached = scenario.usage?.cached ?? Math.min(promptCache?.read ?? 0, totalInput);
  const created = scripted ? 0 : Math.min(promptCache?.written ?? 0, totalInput - cached);
  const generated = [scenario.reasoning?.text ?? '', scenario.text ?? '', ...(scenario.toolCalls ?? []).map((call) => JSON.stringify(call.arguments))].join('');
  return {
    start: {
      input_tokens: totalInput - cached - created,
      cache_creation_input_tokens: created,
      cache_read_input_tokens: cached,
      cache_creation: { ephemeral_5m_input_tokens: created, ephemeral_1h_input_tokens: 0 },
      service_tier: 'standard',
    },
    output: scenario.usage?.output ?? estimateTokens(generated),
  };
}
