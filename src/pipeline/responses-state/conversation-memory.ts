/**
 * The conversations one WebSocket connection has seen, so a `response.create` carrying
 * `previous_response_id` and only the new items can be expanded without the store (Codex sends
 * `store: false`). Each remembered turn holds the whole history up to and including its answer
 * (the item objects are shared between turns, so a turn costs one array of references), which
 * keeps a session of any length continuable. Bounded: the newest `limit` turns (Codex continues
 * the latest one; a retry may go back a few).
 */
export class ConversationMemory {
  private readonly turns = new Map<string, readonly unknown[]>();

  constructor(private readonly limit = 32) {}

  /** `history`: every item of the conversation up to and including this turn's output. */
  remember(id: string, history: readonly unknown[]): void {
    this.turns.delete(id);
    this.turns.set(id, history);
    while (this.turns.size > this.limit) this.turns.delete(this.turns.keys().next().value!);
  }

  /** The conversation ending with the turn `id`, or undefined when it is not remembered. */
  history(id: string): readonly unknown[] | undefined {
    return this.turns.get(id);
  }
}
