import { randomUUID } from 'node:crypto';
import { log } from '../core/log.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { describeChanges, diffRuntimeConfig, type ConfigChanges } from '../config/diff-runtime-config.ts';
import type { KeyDirectory } from '../policy/key-directory.ts';
import type { RateLimiter } from '../policy/rate-limit/rate-limiter.ts';
import type { BudgetGuard, BudgetWarning } from '../policy/budget/budget-guard.ts';
import { postBudgetWarning } from '../policy/budget/budget-webhook.ts';
import { GatewayMetrics, metricsLabelsOf } from '../observability/metrics.ts';
import { createTracer, genAiProviderNames, type GatewayTracer } from '../observability/tracing.ts';
import { MemoryRateCounterStore } from '../store/memory/memory-rate-counter-store.ts';
import { registerCoordinationMetrics } from '../observability/coordination-metrics.ts';
import { registerStorageMetrics } from '../observability/storage-metrics.ts';
import type { RedisCoordination } from '../store/redis/redis-coordination.ts';
import { RedisResponseCache } from '../store/redis/redis-response-cache.ts';
import { MemoryResponseCache } from '../store/memory/memory-response-cache.ts';
import { TieredResponseCache } from '../store/tiered-response-cache.ts';
import { ResponseCache } from './response-cache/response-cache.ts';
import { RedisRateCounterStore } from '../store/redis/redis-rate-counter-store.ts';
import { RedisSpendStore } from '../store/redis/redis-spend-store.ts';
import { withSpendStore } from '../store/with-spend-store.ts';
import type { ConfiguredProvider as Provider } from '../config/runtime-config.ts';
import type { ModelResolver } from '../routing/resolve-model.ts';
import type { Router } from '../routing/router.ts';
import type { Storage } from '../store/ports.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';
import { GatewayRuntime, type DurableServices } from './gateway-runtime.ts';
import { PendingPuts } from './responses-state/responses-continuation.ts';

/** What a reload did: the changes, and the line the log got. */
export interface ReloadResult {
  changes: ConfigChanges;
  summary: string;
}

/**
 * The services one running gateway shares across requests. The durable ones (storage, rate
 * counters, metrics, tracer, upstream connection pools, the in-flight counts) live here for
 * the process; the ones a config implies live in `current`, which `reload` swaps in one
 * assignment. No I/O at import.
 */
export class Gateway {
  readonly metrics: GatewayMetrics;
  readonly tracer: GatewayTracer;
  /** The exact response cache (docs/decisions/0012); its stores are process-wide, its settings per snapshot. */
  readonly responseCache: ResponseCache;
  readonly upstream = new UpstreamClient();
  /** Model and embeddings calls still being answered (SIGTERM waits for these; `server.max_in_flight`). */
  inFlight = 0;
  /** Model and embeddings calls in flight per key name (`server.max_in_flight_per_key`). */
  readonly inFlightByKey = new Map<string, number>();
  /** Stored Responses being written (a continuation waits for its predecessor's write). */
  readonly pendingResponsePuts = new PendingPuts();
  /** Open Responses WebSocket connections (bounded by `responses.websocket_max_connections`). */
  webSockets = 0;
  #purgeTimer: NodeJS.Timeout | undefined;
  /**
   * Re-reads the config from where it came from and applies it (set by the process wiring;
   * `POST /admin/reload` calls it). Throws a ConfigError when the new config is refused.
   */
  reloadFromSource?: () => ReloadResult;
  #current: GatewayRuntime;
  readonly #durable: DurableServices;
  /** Replaced snapshots with requests still running on them. */
  readonly #retiring = new Set<GatewayRuntime>();
  /** This process's run of the instance: its budget reservations carry both. */
  readonly runId: string;
  /** The Redis shared by every instance (`coordination:`); absent when this instance is alone. */
  readonly coordination: RedisCoordination | undefined;
  /** Applies a reload another instance announced (set by the process wiring). */
  onRemoteReload?: () => void;

  constructor(
    config: RuntimeConfig,
    readonly storage: Storage,
    options: { random?: () => number; instanceId?: string; coordination?: RedisCoordination } = {},
  ) {
    const coordination = options.coordination;
    this.coordination = coordination;
    this.runId = coordination?.runId ?? randomUUID();
    this.metrics = new GatewayMetrics({
      ...metricsLabelsOf(config),
      processMetrics: config.observability.processMetrics,
      attributeLabels: config.attribution.metricLabels,
    });
    registerStorageMetrics(this.metrics.registry, storage);
    const cacheStore = config.cache?.store;
    const sharedCache = cacheStore?.store === 'memory' ? undefined : coordination ? new RedisResponseCache(coordination) : storage.responseCache;
    this.responseCache = new ResponseCache(
      new TieredResponseCache(new MemoryResponseCache(cacheStore?.memoryMaxBytes ?? 64 * 1024 * 1024), sharedCache),
      this.metrics.cache,
      cacheStore?.maxEntryBytes ?? 4 * 1024 * 1024,
    );
    const otlp = config.observability.otlp;
    this.tracer = createTracer(
      otlp ? { endpoint: otlp.endpoint, headers: otlp.headers, serviceName: otlp.serviceName, providerNames: genAiProviderNames(config) } : {},
    );
    this.#durable = {
      storage: coordination ? withSpendStore(storage, new RedisSpendStore(storage.spend, coordination)) : storage,
      rateCounters: coordination ? new RedisRateCounterStore(coordination) : new MemoryRateCounterStore(),
      onBudgetWarning: (warning) => this.onBudgetWarning(warning),
      onBudgetLevels: (levels) => {
        for (const level of levels) this.metrics.setBudgetUsage(level.rule.scope, level.rule.subject, level.spentMicros / Math.max(1, level.rule.limitMicros));
      },
      // Without a stable instance id, this run's reservations can only lapse with their leases.
      holder: { instanceId: options.instanceId ?? `run:${this.runId}`, runId: this.runId },
      ...(options.random ? { random: options.random } : {}),
      ...(coordination
        ? {
            announceKeysChanged: () => void coordination.publish({ type: 'keys-changed' }),
            sharedRouting: {
              breakerChanged: (target, openUntil) => void coordination.publish({ type: 'breaker', target, openUntil }),
              sessionStuck: (session, target) => void coordination.publish({ type: 'sticky', session, target }),
            },
          }
        : {}),
    };
    this.#current = new GatewayRuntime(config, this.#durable);
    if (coordination) this.#coordinate(coordination);
  }

  /** Events from the other instances, and the resync after Redis comes back. */
  #coordinate(coordination: RedisCoordination): void {
    coordination.onFailOpen = registerCoordinationMetrics(this.metrics.registry, () => coordination.state);
    const runtimes = () => [this.#current, ...this.#retiring];
    const dropKeyCaches = () => {
      for (const runtime of runtimes()) runtime.keys.dropCached();
    };
    const readBreakers = () =>
      void coordination.openBreakers().then((open) => {
        for (const [target, until] of open) for (const runtime of runtimes()) runtime.router.applyBreaker(target, until);
      });
    readBreakers();
    let epoch: string | undefined;
    void coordination.configEpoch().then((value) => (epoch ??= value));
    coordination.onEvent((event) => {
      if (event.type === 'keys-changed') dropKeyCaches();
      if (event.type === 'config-reloaded') this.#applyRemoteReload();
      if (event.type === 'breaker') for (const runtime of runtimes()) runtime.router.applyBreaker(event.target, event.openUntil);
      if (event.type === 'sticky') for (const runtime of runtimes()) runtime.router.applySticky(event.session, event.target);
    });
    coordination.onReconnect(() => {
      // Events sent while this instance was cut off are lost: assume keys changed, and reload if a reload was announced.
      dropKeyCaches();
      readBreakers();
      void coordination.configEpoch().then((value) => {
        if (value !== undefined && epoch !== undefined && value !== epoch) this.#applyRemoteReload();
        if (value !== undefined) epoch = value;
      });
    });
  }

  #applyRemoteReload(): void {
    if (!this.onRemoteReload) return log.warn('coordination: another instance reloaded its config, but this one was started without a config source');
    try {
      this.onRemoteReload();
    } catch {
      // Logged by the reload itself; the running config keeps serving.
    }
  }

  /** The snapshot a new request uses; read it once per request. */
  get current(): GatewayRuntime {
    return this.#current;
  }

  get config(): RuntimeConfig {
    return this.#current.config;
  }
  get keys(): KeyDirectory {
    return this.#current.keys;
  }
  get rateLimiter(): RateLimiter {
    return this.#current.rateLimiter;
  }
  get budgets(): BudgetGuard {
    return this.#current.budgets;
  }
  get resolver(): ModelResolver {
    return this.#current.resolver;
  }
  get router(): Router {
    return this.#current.router;
  }
  get providers(): ReadonlyMap<string, Provider> {
    return this.#current.providers;
  }

  /** Takes the current snapshot for one request; `release` when the request is done. */
  acquire(): GatewayRuntime {
    const runtime = this.#current;
    runtime.inFlight++;
    return runtime;
  }

  release(runtime: GatewayRuntime): void {
    runtime.inFlight--;
    if (runtime !== this.#current && runtime.inFlight <= 0 && this.#retiring.delete(runtime)) this.#pruneUpstream();
  }

  /** One more call in flight (before it is admitted: `leaveInFlight` however it ends); the count after. */
  enterInFlight(): number {
    this.metrics.setInflight(++this.inFlight);
    return this.inFlight;
  }

  /** One more call in flight for the key (counted even when over its cap: `leaveInFlight(name)` gives it back); the count after. */
  enterKeyInFlight(name: string): number {
    const current = (this.inFlightByKey.get(name) ?? 0) + 1;
    this.inFlightByKey.set(name, current);
    return current;
  }

  /** A call entered with `enterInFlight` (and `enterKeyInFlight(keyName)` when it got that far) is over. */
  leaveInFlight(keyName: string | undefined): void {
    this.inFlight--;
    if (keyName !== undefined) {
      const left = (this.inFlightByKey.get(keyName) ?? 1) - 1;
      if (left <= 0) this.inFlightByKey.delete(keyName);
      else this.inFlightByKey.set(keyName, left);
    }
    this.metrics.setInflight(this.inFlight);
  }

  /**
   * Swaps in a validated config: one assignment, so a request sees either the old snapshot
   * or the new one, never a mix. Requests already running keep theirs; the connection pools
   * of providers nobody uses any more close once those requests are done.
   */
  reload(next: RuntimeConfig): ReloadResult {
    const previous = this.#current;
    const changes = diffRuntimeConfig(previous.config, next);
    const runtime = new GatewayRuntime(next, this.#durable, previous);
    this.metrics.allowLabels(metricsLabelsOf(next));
    const labels = this.metrics.attribution?.labels ?? [];
    if (labels.join(',') !== next.attribution.metricLabels.join(','))
      log.warn('attribution.metric_labels changed: Prometheus label names are fixed for the life of the process; the new ones take effect at the next start');
    this.#current = runtime;
    if (previous.inFlight > 0) this.#retiring.add(previous);
    this.#pruneUpstream();
    return { changes, summary: describeChanges(changes) };
  }

  #pruneUpstream(): void {
    const inUse = [this.#current, ...this.#retiring].flatMap((runtime) => Object.values(runtime.config.providers));
    void this.upstream.retain(inUse).catch((error: unknown) => log.warn('could not close an unused upstream connection pool', error));
  }

  /** A budget crossed its warn threshold: say so once, and tell the webhook if one is set. */
  onBudgetWarning(warning: BudgetWarning): void {
    const percent = Math.round((warning.spentMicros / Math.max(1, warning.limitMicros)) * 100);
    this.metrics.countBudgetWarning(warning.scope);
    this.metrics.setBudgetUsage(warning.scope, warning.subject, warning.spentMicros / Math.max(1, warning.limitMicros));
    const what = warning.threshold >= 1 ? 'budget limit reached' : 'budget warning';
    log.warn(`${what}: ${warning.scope} "${warning.subject}" at ${percent}% of its ${warning.window} ${warning.mode} limit`);
    if (warning.webhookUrl) void postBudgetWarning(warning);
  }

  /** Start-up work that needs the store; it never delays or fails the start (a locked store is retried). */
  start(): void {
    this.budgets.releaseAbandoned().catch((error: unknown) => log.error('budget: could not release the reservations of an earlier run', error));
    const purge = () =>
      void this.storage.responses.purgeExpired(new Date()).catch((error: unknown) => log.error('responses: could not purge expired stored responses', error));
    purge();
    this.#purgeTimer = setInterval(purge, 3_600_000);
    this.#purgeTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#purgeTimer);
    this.budgets.close();
    if (this.#durable.rateCounters instanceof RedisRateCounterStore) this.#durable.rateCounters.close();
    await this.coordination?.close();
    await this.upstream.close();
    await this.tracer.shutdown();
    await this.storage.close();
  }
}
