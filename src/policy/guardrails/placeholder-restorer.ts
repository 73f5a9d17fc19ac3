import type { StreamStateMachine } from '../../core/ir/stream.ts';
import type { SecretVault } from './secret-vault.ts';

/**
 * Restores placeholders in a stream of text deltas (one text, cut anywhere). It holds back
 * only a tail that could still become a placeholder: from the last `[` on, while that tail is a
 * prefix of a known placeholder, so never more than the longest placeholder.
 */
export class PlaceholderRestorer implements StreamStateMachine<string, string> {
  private held = '';

  constructor(
    private readonly vault: SecretVault,
    /** Deltas of a JSON string (tool-call arguments): secrets go back JSON-escaped. */
    private readonly json: boolean,
  ) {}

  push(delta: string): string[] {
    const text = this.held + delta;
    const open = text.lastIndexOf('[');
    let cut = text.length;
    if (open !== -1 && text.length - open < this.vault.maxLength) {
      const tail = text.slice(open);
      if (this.vault.couldBecomePlaceholder(tail)) cut = open;
    }
    this.held = text.slice(cut);
    const ready = this.vault.restore(text.slice(0, cut), this.json);
    return ready.length > 0 ? [ready] : [];
  }

  finish(): string[] {
    const rest = this.held;
    this.held = '';
    return rest.length > 0 ? [this.vault.restore(rest, this.json)] : [];
  }

  /** Characters currently held back. */
  get pending(): number {
    return this.held.length;
  }
}
