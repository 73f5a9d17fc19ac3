import type { ModelResponse, Usage } from '../../core/ir/index.ts';
import type { CacheMetrics } from '../../observability/cache-metrics.ts';
import type { TieredResponseCache } from '../../store/tiered-response-cache.ts';
import { SemanticIndex } from './semantic-index.ts';

/** One stored answer: the IR response (re-encoded for each client) and what it cost to make. */
export interface CacheEnvelope {
  v: 1;
  storedAt: number;
  expiresAt: number;
  provider: string;
  servedModel: string;
  costMicros: number;
  usage?: Usage;
  response: ModelResponse;
}

/** The process-wide response cache (docs/decisions/0012): the tiered store, its size cap and metrics. */
export class ResponseCache {
  /** The opt-in semantic cache's vectors (process memory). */
  readonly semantic = new SemanticIndex();

  constructor(
    private readonly store: TieredResponseCache,
    private readonly metrics: CacheMetrics,
    private readonly maxEntryBytes: number,
  ) {}

  /** The entry under `key`, unless it is expired or older than `maxAgeMs`; a broken entry is a miss. */
  async find(key: string, maxAgeMs: number | undefined, now = Date.now()): Promise<CacheEnvelope | undefined> {
    const text = await this.store.get(key, now);
    if (text === undefined) return undefined;
    let envelope: CacheEnvelope;
    try {
      envelope = JSON.parse(text) as CacheEnvelope;
    } catch {
      return undefined;
    }
    if (envelope.v !== 1 || envelope.expiresAt <= now) return undefined;
    if (maxAgeMs !== undefined && now - envelope.storedAt > maxAgeMs) return undefined;
    return envelope;
  }

  /** Stores an answer (in the background: the client has it already); one larger than the cap is skipped. */
  keep(key: string, envelope: CacheEnvelope): void {
    const text = JSON.stringify(envelope);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxEntryBytes) return;
    void this.store.put(key, text, envelope.expiresAt).then(() => this.metrics.stored(bytes, this.store.memory.bytes));
  }
}
