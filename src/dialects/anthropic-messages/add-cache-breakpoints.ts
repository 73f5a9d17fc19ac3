import type { AnthropicMessagesRequest } from './wire.ts';

const ephemeral = { type: 'ephemeral' } as const;

/** Block types that may carry `cache_control` (thinking blocks may not). */
const cacheableTypes = new Set(['text', 'image', 'document', 'tool_use', 'tool_result']);

function hasCacheControl(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { cache_control?: unknown }).cache_control !== undefined;
}

export function requestHasCacheControl(body: AnthropicMessagesRequest): boolean {
  if (Array.isArray(body.system) && body.system.some(hasCacheControl)) return true;
  if (body.tools?.some(hasCacheControl)) return true;
  return body.messages.some((message) => Array.isArray(message.content) && message.content.some(hasCacheControl));
}

/**
 * Anthropic caches a prompt prefix only up to explicit breakpoints, and Codex re-sends its
 * whole prompt every turn: without breakpoints every turn is billed in full. Marks the last
 * tool, the last system block and the last block of the final message (3 of the 4 allowed),
 * unless the caller placed its own. Blocks are replaced, never mutated (the IR may own them).
 */
export function addCacheBreakpoints(body: AnthropicMessagesRequest): void {
  if (requestHasCacheControl(body)) return;
  if (body.tools) {
    const index = body.tools.findLastIndex((tool) => 'input_schema' in tool);
    const tool = body.tools[index];
    if (tool) body.tools[index] = { ...tool, cache_control: ephemeral };
  }
  // A string system prompt becomes one text block so it can carry the breakpoint.
  if (typeof body.system === 'string' && body.system !== '') body.system = [{ type: 'text', text: body.system }];
  if (Array.isArray(body.system) && body.system.length > 0) {
    const last = body.system.length - 1;
    body.system[last] = { ...body.system[last]!, cache_control: ephemeral };
  }
  const message = body.messages[body.messages.length - 1];
  if (message && typeof message.content === 'string' && message.content !== '') {
    body.messages[body.messages.length - 1] = { ...message, content: [{ type: 'text', text: message.content, cache_control: ephemeral }] } as typeof message;
  } else if (message && Array.isArray(message.content)) {
    const index = message.content.findLastIndex((block) => cacheableTypes.has(block.type));
    const block = message.content[index];
    if (block) message.content[index] = { ...block, cache_control: ephemeral } as (typeof message.content)[number];
  }
}
