import type { ModelRequest } from '../../core/ir/index.ts';

interface Entry {
  vector: number[];
  norm: number;
  key: string;
  expiresAt: number;
}

/** Entries kept per process (oldest dropped first). */
const maxEntries = 10_000;

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

/**
 * The semantic cache's index (decision 0012): per partition (tenant scope, dialect, targets and
 * every request field but the conversation), the embedding of each stored prompt and the exact
 * entry it points to. A lookup answers the nearest prompt at or above the threshold (cosine).
 * Process memory only: another instance does not see these vectors.
 */
export class SemanticIndex {
  private readonly partitions = new Map<string, Entry[]>();
  private size = 0;

  add(partition: string, vector: number[], key: string, expiresAt: number): void {
    const entries = this.partitions.get(partition) ?? [];
    entries.push({ vector, norm: norm(vector), key, expiresAt });
    this.partitions.set(partition, entries);
    this.size++;
    while (this.size > maxEntries) {
      const [oldest, list] = this.partitions.entries().next().value as [string, Entry[]];
      list.shift();
      this.size--;
      if (list.length === 0) this.partitions.delete(oldest);
    }
  }

  nearest(partition: string, vector: number[], threshold: number, now = Date.now()): string | undefined {
    const entries = this.partitions.get(partition);
    if (!entries) return undefined;
    const length = norm(vector);
    let best: { key: string; score: number } | undefined;
    for (const entry of entries) {
      if (entry.expiresAt <= now || entry.vector.length !== vector.length || entry.norm === 0 || length === 0) continue;
      let dot = 0;
      for (let index = 0; index < vector.length; index++) dot += vector[index]! * entry.vector[index]!;
      const score = dot / (length * entry.norm);
      if (score >= threshold && (!best || score > best.score)) best = { key: entry.key, score };
    }
    return best?.key;
  }
}

/**
 * The prompt text a semantic lookup embeds, or undefined when the request must never be answered
 * from a neighbour's answer: tools declared, tool calls or tool outputs in the conversation
 * (agent turns), or anything but text (an image the embedding would not see).
 */
export function semanticPrompt(request: ModelRequest): string | undefined {
  if (request.tools.length > 0) return undefined;
  const lines: string[] = [];
  for (const block of request.system) {
    if (block.type !== 'text') return undefined;
    lines.push(`system: ${block.text}`);
  }
  for (const message of request.messages) {
    for (const block of message.content) {
      if (block.type !== 'text') return undefined;
      lines.push(`${message.role}: ${block.text}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
