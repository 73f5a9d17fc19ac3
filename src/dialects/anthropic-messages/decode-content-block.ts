import type { ContentBlock } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';
import { looksSealed } from '../shared/sealed-envelope.ts';
import { unsealReasoning } from '../shared/carried-reasoning.ts';
import { decodeToolCall, type ToolIdentityOf } from '../shared/tool-calls.ts';

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
