import type { ContentBlock, ModelResponse, StreamEvent, StreamStateMachine } from '../../core/ir/index.ts';
import { PlaceholderRestorer } from './placeholder-restorer.ts';
import type { SecretVault } from './secret-vault.ts';

/** A complete block with its placeholders restored (tool-call input is JSON: secrets go back escaped). */
export function restoreBlock(block: ContentBlock, vault: SecretVault): ContentBlock {
  switch (block.type) {
    case 'text':
      return { ...block, text: vault.restore(block.text, false) };
    case 'refusal':
      return { ...block, text: vault.restore(block.text, false) };
    case 'tool-call':
      return { ...block, input: vault.restore(block.input, block.kind === 'function') };
    case 'reasoning':
      return { ...block, summary: block.summary.map((part) => vault.restore(part, false)) };
    default:
      return block;
  }
}

/** A non-streamed answer with its placeholders restored. */
export function restoreResponse(response: ModelResponse, vault: SecretVault): ModelResponse {
  if (vault.size === 0) return response;
  return { ...response, content: response.content.map((block) => restoreBlock(block, vault)) };
}

/**
 * Restores placeholders in an IR event stream: text, reasoning and tool-call-argument deltas
 * per block (a placeholder split across deltas included), and the complete block `block-end`
 * carries. What a block's restorer still holds when the block ends is emitted as one more delta
 * just before its `block-end`.
 */
export class RestoreEvents implements StreamStateMachine<StreamEvent, StreamEvent> {
  private readonly restorers = new Map<number, { restorer: PlaceholderRestorer; type: 'text-delta' | 'tool-call-delta' | 'reasoning-delta'; part: number }>();
  private readonly toolKinds = new Map<number, boolean>();

  constructor(private readonly vault: SecretVault) {}

  push(event: StreamEvent): StreamEvent[] {
    switch (event.type) {
      case 'block-start':
        if (event.block.kind === 'tool-call') this.toolKinds.set(event.index, event.block.toolKind === 'function');
        return [event];
      case 'text-delta':
      case 'tool-call-delta':
      case 'reasoning-delta': {
        const part = event.type === 'reasoning-delta' ? event.part : 0;
        let entry = this.restorers.get(event.index);
        const out: StreamEvent[] = [];
        if (entry && (entry.type !== event.type || entry.part !== part)) {
          out.push(...this.flush(event.index));
          entry = undefined;
        }
        if (!entry) {
          const json = event.type === 'tool-call-delta' && this.toolKinds.get(event.index) !== false;
          entry = { restorer: new PlaceholderRestorer(this.vault, json), type: event.type, part };
          this.restorers.set(event.index, entry);
        }
        for (const delta of entry.restorer.push(event.delta)) out.push({ ...event, delta });
        return out;
      }
      case 'block-end':
        return [...this.flush(event.index), { ...event, block: restoreBlock(event.block, this.vault) }];
      case 'response-end':
      case 'error':
        // A stream cut short: what is held goes out before its end.
        return [...this.finish(), event];
      default:
        return [event];
    }
  }

  finish(): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const index of [...this.restorers.keys()]) out.push(...this.flush(index));
    return out;
  }

  private flush(index: number): StreamEvent[] {
    const entry = this.restorers.get(index);
    if (!entry) return [];
    this.restorers.delete(index);
    return entry.restorer
      .finish()
      .map(
        (delta): StreamEvent =>
          entry.type === 'reasoning-delta' ? { type: 'reasoning-delta', index, delta, part: entry.part } : { type: entry.type, index, delta },
      );
  }
}
