import { randomUUID } from 'node:crypto';
import type { ExchangeContext } from '../../core/dialect.ts';
import type { BlockStart, ToolCallBlock, ToolKind } from '../../core/ir/index.ts';
import { isRecord } from './wire.ts';

/** A tool call as the upstream sent it (assembled, for streams). */
export interface WireToolCall {
  id?: string | undefined;
  name: string;
  /** `custom` only for OpenAI's native freeform calls. */
  type: 'function' | 'custom';
  /** Function `arguments` or custom `input`, as received. */
  payload: string;
}

/** Ollama sometimes sends calls without an id; results must still be able to refer to them. */
export function synthesizeCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** The IR identity of a call: the wire name mapped back to its name, namespace and kind. */
export function toolCallStart(call: Pick<WireToolCall, 'name' | 'type'>, callId: string, context: ExchangeContext): Extract<BlockStart, { kind: 'tool-call' }> {
  const identity = context.toolNames.identity(call.name);
  const toolKind: ToolKind = call.type === 'custom' ? 'custom' : identity.kind;
  const start: Extract<BlockStart, { kind: 'tool-call' }> = { kind: 'tool-call', callId, name: identity.name, toolKind };
  if (identity.namespace !== undefined) start.namespace = identity.namespace;
  return start;
}

/**
 * The complete IR block. A freeform tool sent as a wrapped function comes back unwrapped from
 * `{"input": …}`; empty function arguments (vLLM's name-only call) are `{}`.
 */
export function decodeToolCall(call: WireToolCall, callId: string, context: ExchangeContext): ToolCallBlock {
  const start = toolCallStart(call, callId, context);
  const block: ToolCallBlock = { type: 'tool-call', callId, name: start.name, kind: start.toolKind, input: call.payload };
  if (start.namespace !== undefined) block.namespace = start.namespace;
  if (start.toolKind === 'custom' && call.type === 'function') block.input = unwrapCustomInput(call.payload, start.name, context);
  else if (start.toolKind === 'function' && call.payload.trim() === '') block.input = '{}';
  return block;
}

export function unwrapCustomInput(argumentsText: string, name: string, context: ExchangeContext): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (isRecord(parsed)) {
      if (typeof parsed.input === 'string') return parsed.input;
      const values = Object.values(parsed);
      if (values.length === 1 && typeof values[0] === 'string') return values[0];
    }
  } catch {
    // Falls through: the model wrote the raw input instead of the JSON object.
  }
  context.warnings.add('custom_tool_unwrapped', `The call to freeform tool ${name} did not carry {"input": …}; its arguments were passed on as the raw input.`);
  return argumentsText;
}
