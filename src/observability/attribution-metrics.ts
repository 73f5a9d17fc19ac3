import { Counter, type Registry } from 'prom-client';
import type { RequestLogRow } from '../store/ports.ts';
import { microsToUsd } from './pricing.ts';

/**
 * Requests, cost and tokens by the attributes the operator named as metric labels
 * (`attribution.metric_labels`): cardinality is their choice, but still bounded — past
 * `maxSeries` distinct value combinations, new ones are counted under `other`.
 * A request without an attribute gets `none` for it.
 */
export class AttributionMetrics {
  private readonly requests: Counter<string>;
  private readonly cost: Counter<string>;
  private readonly tokens: Counter<string>;
  private readonly seen = new Set<string>();

  constructor(
    registry: Registry,
    readonly labels: readonly string[],
    private readonly maxSeries = 1000,
  ) {
    const registers = [registry];
    const labelNames = [...labels];
    this.requests = new Counter({ name: 'switchyard_attributed_requests_total', help: 'Model requests by configured attribute.', labelNames, registers });
    this.cost = new Counter({ name: 'switchyard_attributed_cost_usd_total', help: 'Spend (USD) by configured attribute.', labelNames, registers });
    this.tokens = new Counter({
      name: 'switchyard_attributed_tokens_total',
      help: 'Input and output tokens by configured attribute.',
      labelNames: [...labelNames, 'kind'],
      registers,
    });
  }

  observe(row: RequestLogRow): void {
    const values = this.labelValues(row.attributes ?? {});
    this.requests.inc(values);
    if (row.costMicros > 0) this.cost.inc(values, microsToUsd(row.costMicros));
    if (row.inputTokens > 0) this.tokens.inc({ ...values, kind: 'input' }, row.inputTokens);
    if (row.outputTokens > 0) this.tokens.inc({ ...values, kind: 'output' }, row.outputTokens);
  }

  private labelValues(attributes: Record<string, string>): Record<string, string> {
    const values: Record<string, string> = {};
    for (const label of this.labels) values[label] = attributes[label] ?? 'none';
    const series = this.labels.map((label) => values[label]).join('\u0000');
    if (this.seen.has(series)) return values;
    if (this.seen.size < this.maxSeries) {
      this.seen.add(series);
      return values;
    }
    for (const label of this.labels) values[label] = 'other';
    return values;
  }
}
