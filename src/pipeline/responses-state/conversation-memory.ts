import type { StoredResponse } from '../../store/response-store.ts';

/**
 * The turns one WebSocket connection has seen (what it sent and what it was answered), so a
 * `response.create` carrying `previous_response_id` and only the new items can be expanded
 * without the store (Codex sends `store: false`). Bounded: the newest `limit` turns; a chain
 * whose start fell out is looked up in the store, and refused when it is not there either.
 */
export class ConversationMemory {
  private readonly turns = new Map<string, StoredResponse>();

  constructor(private readonly limit = 512) {}

  remember(turn: StoredResponse): void {
    this.turns.delete(turn.id);
    this.turns.set(turn.id, turn);
    while (this.turns.size > this.limit) this.turns.delete(this.turns.keys().next().value!);
  }

  /** The conversation ending at `id`, oldest first, or undefined when a link is not here. */
  chain(id: string): StoredResponse[] | undefined {
    const chain: StoredResponse[] = [];
    let next: string | null = id;
    while (next !== null) {
      const turn = this.turns.get(next);
      if (!turn || chain.length > this.limit) return undefined;
      chain.push(turn);
      next = turn.previousId;
    }
    return chain.reverse();
  }
}
