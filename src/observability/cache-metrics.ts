import { Counter, Gauge, type Registry } from 'prom-client';

/** Distinct key label values kept before the rest are counted as `other` (bounded series). */
const maxKeys = 1000;

/**
 * Response cache and provider prompt-cache numbers (docs/decisions/0012): hits and misses come
 * from `switchyard_cache_results_total`; here the bytes stored, the dollars a hit saved, and per
 * key and model the prompt tokens the provider read from its own cache, their share and the
 * input cost that saved.
 */
export class CacheMetrics {
  private readonly storedBytes: Counter;
  private readonly memoryBytes: Gauge;
  private readonly savedUsd: Counter<'model'>;
  private readonly promptTokens: Counter<'key' | 'model' | 'kind'>;
  private readonly promptShare: Gauge<'key' | 'model'>;
  private readonly promptSavedUsd: Counter<'key' | 'model'>;
  private readonly totals = new Map<string, { key: string; model: string; input: number; cached: number }>();
  private readonly keys = new Set<string>();

  constructor(registry: Registry, knownModel: (model: string | null) => string) {
    const registers = [registry];
    this.modelLabel = knownModel;
    this.storedBytes = new Counter({ name: 'switchyard_cache_stored_bytes_total', help: 'Bytes of answers written to the response cache.', registers });
    this.memoryBytes = new Gauge({ name: 'switchyard_cache_memory_bytes', help: 'Bytes the in-process response cache holds now.', registers });
    this.savedUsd = new Counter({
      name: 'switchyard_cache_saved_usd_total',
      help: 'What the answers served from the response cache cost when they were first made (USD).',
      labelNames: ['model'],
      registers,
    });
    this.promptTokens = new Counter({
      name: 'switchyard_prompt_cache_tokens_total',
      help: 'Prompt tokens by key and served model: kind=input (all) and kind=cached (read from the provider prompt cache).',
      labelNames: ['key', 'model', 'kind'],
      registers,
    });
    this.promptShare = new Gauge({
      name: 'switchyard_prompt_cache_share',
      help: 'Share of prompt tokens read from the provider prompt cache since start, by key and served model (0..1).',
      labelNames: ['key', 'model'],
      registers,
      // Computed when scraped from the running totals, not set on every request.
      collect: () => {
        for (const total of this.totals.values()) this.promptShare.set({ key: total.key, model: total.model }, total.cached / total.input);
      },
    });
    this.promptSavedUsd = new Counter({
      name: 'switchyard_prompt_cache_saved_usd_total',
      help: 'Input cost saved by provider prompt caches (cached tokens at the input rate minus what they were billed), USD.',
      labelNames: ['key', 'model'],
      registers,
    });
  }

  private readonly modelLabel: (model: string | null) => string;

  private keyLabel(key: string | null): string {
    const name = key ?? 'none';
    if (this.keys.has(name)) return name;
    if (this.keys.size >= maxKeys) return 'other';
    this.keys.add(name);
    return name;
  }

  stored(bytes: number, memoryBytes: number): void {
    this.storedBytes.inc(bytes);
    this.memoryBytes.set(memoryBytes);
  }

  hit(model: string | null, savedMicros: number): void {
    if (savedMicros > 0) this.savedUsd.inc({ model: this.modelLabel(model) }, savedMicros / 1_000_000);
  }

  /** One answered request's prompt tokens (a cache hit reports none: nothing reached a provider). */
  prompt(key: string | null, model: string | null, inputTokens: number, cachedTokens: number, savedMicros: number): void {
    if (inputTokens <= 0) return;
    const labels = { key: this.keyLabel(key), model: this.modelLabel(model) };
    this.promptTokens.inc({ ...labels, kind: 'input' }, inputTokens);
    if (cachedTokens > 0) this.promptTokens.inc({ ...labels, kind: 'cached' }, cachedTokens);
    if (savedMicros > 0) this.promptSavedUsd.inc(labels, savedMicros / 1_000_000);
    const series = `${labels.key}\u0000${labels.model}`;
    let total = this.totals.get(series);
    if (!total) this.totals.set(series, (total = { ...labels, input: 0, cached: 0 }));
    total.input += inputTokens;
    total.cached += cachedTokens;
  }
}
