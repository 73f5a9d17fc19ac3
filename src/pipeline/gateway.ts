import { randomUUID } from 'node:crypto';
import { log } from '../core/log.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { KeyDirectory } from '../policy/key-directory.ts';
import { RateLimiter } from '../policy/rate-limit/rate-limiter.ts';
import { BudgetGuard, type BudgetWarning } from '../policy/budget/budget-guard.ts';
import { postBudgetWarning } from '../policy/budget/budget-webhook.ts';
import { GatewayMetrics, metricsLabelsOf } from '../observability/metrics.ts';
import { createTracer, genAiProviderNames, type GatewayTracer } from '../observability/tracing.ts';
import { MemoryRateCounterStore } from '../store/memory/memory-rate-counter-store.ts';
import { createProvider } from '../providers/create-provider.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import { ModelResolver } from '../routing/resolve-model.ts';
import { Router } from '../routing/router.ts';
import type { Storage } from '../store/ports.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';

/** The services one running gateway shares across requests. Built once; no I/O at import. */
export class Gateway {
  readonly keys: KeyDirectory;
  readonly rateLimiter: RateLimiter;
  readonly budgets: BudgetGuard;
  readonly metrics: GatewayMetrics;
  readonly tracer: GatewayTracer;
  readonly resolver: ModelResolver;
  readonly router: Router;
  readonly providers = new Map<string, Provider>();
  readonly upstream = new UpstreamClient();
  /** Model requests still being answered (SIGTERM waits for these). */
  inFlight = 0;
  /** Model calls in flight per key name (the per-key concurrency cap). */
  readonly inFlightByKey = new Map<string, number>();
  /** This process's run of the instance: its budget reservations carry both. */
  readonly runId = randomUUID();

  constructor(
    readonly config: RuntimeConfig,
    readonly storage: Storage,
    options: { random?: () => number; instanceId?: string } = {},
  ) {
    this.keys = new KeyDirectory(config.keys, storage.keys);
    this.rateLimiter = new RateLimiter(new MemoryRateCounterStore(), config.teamRateLimits);
    this.metrics = new GatewayMetrics({ ...metricsLabelsOf(config), processMetrics: config.observability.processMetrics });
    const otlp = config.observability.otlp;
    this.tracer = createTracer(
      otlp ? { endpoint: otlp.endpoint, headers: otlp.headers, serviceName: otlp.serviceName, providerNames: genAiProviderNames(config) } : {},
    );
    // Without a stable instance id, this run's reservations can only lapse with their leases.
    const instanceId = options.instanceId ?? `run:${this.runId}`;
    this.budgets = new BudgetGuard(storage.spend, config.budgets, (warning) => this.onBudgetWarning(warning), {
      holder: { instanceId, runId: this.runId },
    });
    this.resolver = new ModelResolver(config);
    this.router = new Router(config, options.random);
    for (const provider of Object.values(config.providers)) this.providers.set(provider.name, createProvider(provider));
  }

  /** A budget crossed its warn threshold: say so once, and tell the webhook if one is set. */
  onBudgetWarning(warning: BudgetWarning): void {
    const percent = Math.round((warning.spentMicros / Math.max(1, warning.limitMicros)) * 100);
    this.metrics.countBudgetWarning(warning.scope);
    this.metrics.setBudgetUsage(warning.scope, warning.subject, warning.spentMicros / Math.max(1, warning.limitMicros));
    log.warn(`budget warning: ${warning.scope} "${warning.subject}" at ${percent}% of its ${warning.window} ${warning.mode} limit`);
    if (warning.webhookUrl) void postBudgetWarning(warning);
  }

  /** Start-up work that needs the store; it never delays or fails the start (a locked store is retried). */
  start(): void {
    this.budgets.releaseAbandoned().catch((error: unknown) => log.error('budget: could not release the reservations of an earlier run', error));
  }

  async close(): Promise<void> {
    this.budgets.close();
    await this.upstream.close();
    await this.tracer.shutdown();
    await this.storage.close();
  }
}
