import type { BlockStart } from './stream.ts';
import type { ContentBlock } from './content.ts';
import type { ModelResponse } from './response.ts';
import type { StreamEvent } from './stream.ts';

function blockStart(block: ContentBlock): BlockStart {
  switch (block.type) {
    case 'text':
      return { kind: 'text' };
    case 'refusal':
      return { kind: 'refusal' };
    case 'reasoning':
      return { kind: 'reasoning', family: block.family, ...(block.itemId !== undefined ? { itemId: block.itemId } : {}) };
    case 'tool-call':
      return {
        kind: 'tool-call',
        callId: block.callId,
        name: block.name,
        toolKind: block.kind,
        ...(block.namespace !== undefined ? { namespace: block.namespace } : {}),
        ...(block.itemId !== undefined ? { itemId: block.itemId } : {}),
        ...(block.signature !== undefined ? { signature: block.signature } : {}),
      };
    default:
      return { kind: 'opaque' };
  }
}

function deltas(block: ContentBlock, index: number): StreamEvent[] {
  switch (block.type) {
    case 'text':
    case 'refusal':
      return block.text === '' ? [] : [{ type: 'text-delta', index, delta: block.text }];
    case 'reasoning': {
      const parts = block.text ?? block.summary;
      return parts.filter((part) => part !== '').map((delta, part) => ({ type: 'reasoning-delta', index, delta, part }));
    }
    case 'tool-call':
      return block.input === '' ? [] : [{ type: 'tool-call-delta', index, delta: block.input }];
    default:
      return [];
  }
}

/**
 * A complete response as the event sequence a decoder would have produced for it (one delta per
 * block): what the response cache replays through a client's stream encoder.
 */
export function responseEvents(response: ModelResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'response-start', id: response.id, model: response.model, createdAt: response.createdAt }];
  for (const [index, block] of response.content.entries()) {
    events.push({ type: 'block-start', index, block: blockStart(block) }, ...deltas(block, index), { type: 'block-end', index, block });
  }
  if (response.usage) events.push({ type: 'usage', usage: response.usage });
  events.push({ type: 'response-end', finishReason: response.finishReason, ...(response.usage ? { usage: response.usage } : {}) });
  return events;
}
