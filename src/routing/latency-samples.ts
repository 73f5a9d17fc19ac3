/**
 * The recent times to first token of one target: a bounded ring of (instant, ms) samples, of
 * which only those younger than `maxAgeMs` count, so a target that was slow an hour ago is
 * not judged by it (the measure decays by age as well as by count).
 */
export class LatencySamples {
  private readonly at: Float64Array;
  private readonly ms: Float64Array;
  private next = 0;
  private size = 0;

  constructor(
    private readonly capacity = 128,
    private readonly maxAgeMs = 10 * 60_000,
  ) {
    this.at = new Float64Array(capacity);
    this.ms = new Float64Array(capacity);
  }

  add(ms: number, now: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.at[this.next] = now;
    this.ms[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The p-quantile (0-1, nearest rank) of the fresh samples; undefined with fewer than `minSamples`. */
  quantile(p: number, now: number, minSamples = 5): number | undefined {
    const fresh: number[] = [];
    for (let index = 0; index < this.size; index++) if (now - this.at[index]! <= this.maxAgeMs) fresh.push(this.ms[index]!);
    if (fresh.length < minSamples) return undefined;
    fresh.sort((a, b) => a - b);
    return fresh[Math.min(fresh.length - 1, Math.max(0, Math.ceil(p * fresh.length) - 1))];
  }
}
