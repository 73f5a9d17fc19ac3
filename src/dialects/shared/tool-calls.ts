import type { ToolCallBlock } from '../../core/ir/content.ts';
import { isRecord } from '../../core/request-text.ts';
import { flattenToolName, type ToolIdentity } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';

/** Maps a wire tool name back to the IR identity (the request's name map, or as-is inbound). */
export type ToolIdentityOf = (wireName: string) => ToolIdentity;

/**
 * A complete tool call from its wire parts (Anthropic's tool_use, Bedrock's toolUse).
 * `argumentsJson` is the assembled JSON text (`""` means `{}`, as when the only argument delta
 * is empty). A freeform tool was sent as a function taking `{input}`; its raw string is
 * unwrapped again.
 */
export function decodeToolCall(callId: string, wireName: string, argumentsJson: string, identityOf: ToolIdentityOf, warnings: Warnings): ToolCallBlock {
  const identity = identityOf(wireName);
  const json = argumentsJson.trim() === '' ? '{}' : argumentsJson;
  const block: ToolCallBlock = { type: 'tool-call', callId, name: identity.name, kind: identity.kind, input: json };
  if (identity.namespace !== undefined) block.namespace = identity.namespace;
  if (identity.kind === 'custom') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string')
      block.input = (parsed as { input: string }).input;
    else
      warnings.add(
        'tool_arguments_unwrapped',
        `The call to freeform tool ${identity.name} did not carry a string "input"; its JSON was passed on as the input.`,
      );
  }
  return block;
}

/** Whether assembled arguments are complete JSON, empty counting as `{}` (a call cut off by the token limit must not run). */
export function isCompleteJson(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A call's input as the JSON object that Anthropic (`input`) and Gemini (`args`) carry: a
 * freeform call's raw text as `{input}`, empty input as `{}`. Undefined when the text is not a
 * JSON object (cut off by a token limit, or not JSON): the caller decides whether that is
 * worth a warning.
 */
export function toolCallArguments(block: ToolCallBlock): Record<string, unknown> | undefined {
  if (block.kind === 'custom') return { input: block.input };
  if (block.input.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(block.input);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: handled by the caller.
  }
  return undefined;
}

/** A call's name for a client that never declared namespaces: a foreign namespaced call is flattened. */
export function clientToolName(block: Pick<ToolCallBlock, 'name' | 'namespace'>, maxLength = 64): string {
  return block.namespace ? flattenToolName(block.name, block.namespace, maxLength) : block.name;
}
