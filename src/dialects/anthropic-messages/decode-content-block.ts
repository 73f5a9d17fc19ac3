import type { ContentBlock, ToolCallBlock } from '../../core/ir/index.ts';
import type { ToolIdentity } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';
import { looksSealed } from '../shared/sealed-envelope.ts';
import { unsealReasoning } from '../shared/carried-reasoning.ts';

/** Maps a wire tool name back to the IR identity (the request's name map, or as-is inbound). */
export type ToolIdentityOf = (wireName: string) => ToolIdentity;

/**
 * A complete tool call from its wire parts. `argumentsJson` is the assembled JSON text
 * (`""` means `{}`, as when the only input_json_delta is empty). A freeform tool was sent
 * as a function taking `{input}`; its raw string is unwrapped again.
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
    if (isRecord(parsed) && typeof parsed.input === 'string') block.input = parsed.input;
    else
      warnings.add(
        'tool_arguments_unwrapped',
        `The call to freeform tool ${identity.name} did not carry a string "input"; its JSON was passed on as the input.`,
      );
  }
  return block;
}

/** Whether an argument string is complete JSON (a cut-off call must not run). */
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
 * One content block the model produced (or an assistant block replayed by an Anthropic
 * client) as an IR block. Server tool blocks and anything unknown stay opaque, for replay to
 * Anthropic only.
 */
export function decodeContentBlock(block: unknown, identityOf: ToolIdentityOf, warnings: Warnings): ContentBlock | undefined {
  if (!isRecord(block) || typeof block.type !== 'string') return undefined;
  switch (block.type) {
    case 'text': {
      if (typeof block.text !== 'string') return undefined;
      if (Array.isArray(block.citations) && block.citations.length > 0) {
        warnings.add('citations_dropped', 'Anthropic citations on a text block have no portable form; dropped.');
      }
      return block.cache_control !== undefined ? { type: 'text', text: block.text, cacheControl: block.cache_control } : { type: 'text', text: block.text };
    }
    case 'thinking':
      if (typeof block.signature === 'string' && looksSealed(block.signature)) return decodeSealedThinking(block.signature, warnings);
      return {
        type: 'reasoning',
        family: 'anthropic',
        summary: typeof block.thinking === 'string' && block.thinking !== '' ? [block.thinking] : [],
        ...(typeof block.signature === 'string' ? { signature: block.signature } : {}),
      };
    case 'redacted_thinking':
      return { type: 'reasoning', family: 'anthropic', summary: [], ...(typeof block.data === 'string' ? { redactedData: block.data } : {}) };
    case 'tool_use':
      return decodeToolCall(String(block.id ?? ''), String(block.name ?? ''), JSON.stringify(isRecord(block.input) ? block.input : {}), identityOf, warnings);
    default:
      return { type: 'opaque', dialect: 'anthropic-messages', value: block };
  }
}

/**
 * A thinking block whose signature is the gateway's envelope: the other family's reasoning it
 * carried (OpenAI `encrypted_content`), or nothing when this gateway did not seal it (another
 * secret, a restart): an envelope is never forwarded to Anthropic, which could not verify it.
 */
function decodeSealedThinking(signature: string, warnings: Warnings): ContentBlock | undefined {
  const blocks = unsealReasoning(signature);
  if (blocks?.length === 1) return blocks[0];
  warnings.add('reasoning_dropped', 'A thinking block carried a gateway envelope this gateway cannot open (another secret or a restart); dropped.');
  return undefined;
}
