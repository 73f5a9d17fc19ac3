import type { ToolCallBlock } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';

/**
 * A complete call from its wire parts (`argumentsJson` assembled; `""` means `{}`). A freeform
 * tool was declared as a function taking `{input}`: its raw string is unwrapped again.
 */
export function decodeToolCall(callId: string, wireName: string, argumentsJson: string, toolNames: ToolNameMap, warnings: Warnings): ToolCallBlock {
  const identity = toolNames.identity(wireName);
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
    if (isRecord(parsed) && typeof parsed.input === 'string') block.input = parsed.input;
    else
      warnings.add(
        'tool_arguments_unwrapped',
        `The call to freeform tool ${identity.name} did not carry a string "input"; its JSON was passed on as the input.`,
      );
  }
  return block;
}

/** Whether assembled arguments are complete JSON (a call cut off by the token limit must not run). */
export function isCompleteJson(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
