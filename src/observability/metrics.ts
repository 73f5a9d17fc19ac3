import { CacheMetrics } from './cache-metrics.ts';
import { AttributionMetrics } from './attribution-metrics.ts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorStatus, type ErrorCode } from '../core/errors.ts';
import type { DialectId } from '../core/ir/index.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import type { RequestLogRow } from '../store/ports.ts';
import { microsToUsd } from './pricing.ts';

export type CacheResult = 'hit' | 'miss' | 'bypass';

export interface RequestExtras {
  /** The alias the request resolved through (its fallbacks are counted under it). */
  alias?: string;
  /** How many targets were tried after the first. */
  fallbacks: number;
  cache: CacheResult;
}

export interface GatewayMetricsOptions {
  /** Model names from config (aliases and target models); anything else is labelled `other`. */
  knownModels: string[];
  /** Provider names from config. */
  knownProviders: string[];
  /** Key names declared in the config; other keys are labelled `other` on cost and token metrics. */
  knownKeys?: string[];
  /** Team names the config declares (on its keys and team budgets); others are `other`. */
  knownTeams?: string[];
  /** Also export the prom-client process metrics (CPU, memory, event loop lag) on this registry. */
  processMetrics?: boolean;
  /** Distinct budget subjects kept as gauge series; later ones are dropped, not relabelled. */
  maxBudgetSubjects?: number;
  /** Attributes exported as labels (`attribution.metric_labels`); fixed for the process's life. */
  attributeLabels?: string[];
}

/** Seconds; LLM calls run from tens of milliseconds (cache hits, rejections) to minutes (long reasoning). */
const llmBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 180, 300];

const surfaces: Record<DialectId, true> = { 'openai-responses': true, 'openai-chat': true, 'anthropic-messages': true, gemini: true, 'bedrock-converse': true };
const tokenKinds = ['input', 'cached_input', 'cache_write', 'output', 'reasoning'] as const;

/**
 * The gateway's Prometheus metrics on a registry of its own (never prom-client's global one),
 * so several gateways in one process keep separate counts.
 *
 * Labels are bounded: never request ids, key secrets, users or prompts. Model and provider
 * values come from config and anything else is `other` (absent is `none`), so a client sending
 * random model names cannot grow the series count. On `switchyard_requests_total` `model` is
 * the name the client asked for; on tokens, cost and latency it is the model that served.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly knownModels: Set<string>;
  private readonly knownProviders: Set<string>;
  private readonly knownKeys: Set<string>;
  private readonly knownTeams: Set<string>;
  private readonly maxBudgetSubjects: number;
  private readonly budgetSubjects = new Set<string>();
  private readonly requests: Counter<'surface' | 'provider' | 'model' | 'outcome' | 'status'>;
  private readonly tokens: Counter<'provider' | 'model' | 'kind' | 'key' | 'team'>;
  private readonly cost: Counter<'provider' | 'model' | 'key' | 'team'>;
  private readonly duration: Histogram<'surface' | 'provider' | 'model'>;
  private readonly timeToFirstByte: Histogram<'surface' | 'provider' | 'model'>;
  private readonly errors: Counter<'code'>;
  private readonly fallbacks: Counter<'alias'>;
  private readonly cacheResults: Counter<'result'>;
  private readonly budgetUsed: Gauge<'scope' | 'subject'>;
  private readonly budgetWarnings: Counter<'scope'>;
  private readonly usageAnomalies: Counter<'kind'>;

  private readonly guardrailHits: Counter<'rule' | 'action'>;
  private readonly inflight: Gauge;
  private readonly webSockets: Gauge;
  private readonly webSocketsRefused: Counter<'reason'>;
  /** Response cache bytes and savings, provider prompt-cache shares (docs/decisions/0012). */
  readonly cache: CacheMetrics;
  /** Present when the config names attribute metric labels. */
  readonly attribution: AttributionMetrics | undefined;

  constructor(options: GatewayMetricsOptions) {
    this.knownModels = new Set(options.knownModels);
    this.knownProviders = new Set(options.knownProviders);
    this.knownKeys = new Set(options.knownKeys ?? []);
    this.knownTeams = new Set(options.knownTeams ?? []);
    this.maxBudgetSubjects = options.maxBudgetSubjects ?? 1000;
    const registers = [this.registry];
    this.attribution =
      options.attributeLabels && options.attributeLabels.length > 0 ? new AttributionMetrics(this.registry, options.attributeLabels) : undefined;
    this.requests = new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests answered, one per log row (rejected ones too). model is the requested name.',
      labelNames: ['surface', 'provider', 'model', 'outcome', 'status'],
      registers,
    });
    this.tokens = new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens by kind as the provider reported them: input includes cached_input and cache_write; output includes reasoning.',
      labelNames: ['provider', 'model', 'kind', 'key', 'team'],
      registers,
    });
    this.cost = new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Cost in US dollars of served requests.',
      labelNames: ['provider', 'model', 'key', 'team'],
      registers,
    });
    this.duration = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Whole request duration, fallbacks included, for requests that reached a provider.',
      labelNames: ['surface', 'provider', 'model'],
      buckets: llmBuckets,
      registers,
    });
    this.timeToFirstByte = new Histogram({
      name: 'switchyard_time_to_first_byte_seconds',
      help: 'Time until the first byte of the answer was sent to the client.',
      labelNames: ['surface', 'provider', 'model'],
      buckets: llmBuckets,
      registers,
    });
    this.errors = new Counter({ name: 'switchyard_errors_total', help: 'Failed requests by gateway error code.', labelNames: ['code'], registers });
    this.fallbacks = new Counter({
      name: 'switchyard_fallbacks_total',
      help: 'Fallbacks to a later target, by requested alias.',
      labelNames: ['alias'],
      registers,
    });
    this.cache = new CacheMetrics(
      this.registry,
      (model) => this.modelLabel(model),
      (key) => boundedLabel(this.knownKeys, key),
    );
    this.cacheResults = new Counter({ name: 'switchyard_cache_results_total', help: 'Response cache lookups by result.', labelNames: ['result'], registers });
    this.budgetUsed = new Gauge({
      name: 'switchyard_budget_used_ratio',
      help: 'Spent share of a budget in its current window (1 = exhausted).',
      labelNames: ['scope', 'subject'],
      registers,
    });
    this.usageAnomalies = new Counter({
      name: 'switchyard_usage_anomalies_total',
      help: 'Upstream usage that could not be booked as reported (clamped) and costs above the budget reservation (over_reservation).',
      labelNames: ['kind'],
      registers,
    });
    this.guardrailHits = new Counter({
      name: 'switchyard_guardrail_hits_total',
      help: 'Guardrail verdicts by rule and action (flag, redact, block); never the matched value.',
      labelNames: ['rule', 'action'],
      registers,
    });
    this.budgetWarnings = new Counter({ name: 'switchyard_budget_warnings_total', help: 'Budget warn thresholds crossed.', labelNames: ['scope'], registers });
    this.inflight = new Gauge({ name: 'switchyard_inflight_requests', help: 'Model requests being answered right now.', registers });
    this.webSockets = new Gauge({ name: 'switchyard_websocket_connections', help: 'Open Responses WebSocket connections.', registers });
    this.webSocketsRefused = new Counter({
      name: 'switchyard_websocket_refused_total',
      help: 'Responses WebSocket upgrades refused (auth, origin, limit) and connections closed by the gateway (idle).',
      labelNames: ['reason'],
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Rule names come from the gateway's fixed rule set, so the label stays bounded. */
  countGuardrailHit(rule: string, action: 'flag' | 'redact' | 'block'): void {
    this.guardrailHits.inc({ rule, action });
  }

  countUsageAnomaly(kind: 'clamped' | 'over_reservation'): void {
    this.usageAnomalies.inc({ kind });
  }

  observeRequest(row: RequestLogRow, extras: RequestExtras): void {
    const surface = surfaces[row.surface as DialectId] ? row.surface : 'other';
    const provider = this.providerLabel(row.provider);
    const served = this.modelLabel(row.servedModel);
    this.requests.inc({ surface, provider, model: this.modelLabel(row.model), outcome: row.outcome, status: statusLabel(row.status) });
    const counts: Record<(typeof tokenKinds)[number], number> = {
      input: row.inputTokens,
      cached_input: row.cachedInputTokens,
      cache_write: row.cacheWriteTokens,
      output: row.outputTokens,
      reasoning: row.reasoningTokens,
    };
    const key = boundedLabel(this.knownKeys, row.keyName);
    const team = boundedLabel(this.knownTeams, row.team);
    for (const kind of tokenKinds) if (counts[kind] > 0) this.tokens.inc({ provider, model: served, kind, key, team }, counts[kind]);
    if (row.costMicros > 0) this.cost.inc({ provider, model: served, key, team }, microsToUsd(row.costMicros));
    // Rejections never reach a provider; their microsecond durations would drown the LLM latencies.
    if (row.provider !== null) this.duration.observe({ surface, provider, model: served }, row.latencyMs / 1000);
    if (row.ttfbMs !== null) this.timeToFirstByte.observe({ surface, provider, model: served }, row.ttfbMs / 1000);
    if (row.errorCode !== null) this.errors.inc({ code: row.errorCode in errorStatus ? (row.errorCode as ErrorCode) : 'other' });
    if (extras.fallbacks > 0) this.fallbacks.inc({ alias: this.modelLabel(extras.alias ?? row.model) }, extras.fallbacks);
    this.cacheResults.inc({ result: extras.cache });
    if (row.cache === 'hit') this.cache.hit(row.servedModel, row.costSavedMicros ?? 0);
    else this.cache.prompt(row.keyName, row.servedModel, row.inputTokens, row.cachedInputTokens, row.promptCacheSavedMicros ?? 0);
    this.attribution?.observe(row);
  }

  /** `scope` is key, team, user, tag or org; `subject` its name ('*' for the org). */
  setBudgetUsage(scope: string, subject: string, ratio: number): void {
    const series = `${scope}\u0000${subject}`;
    if (!this.budgetSubjects.has(series)) {
      if (this.budgetSubjects.size >= this.maxBudgetSubjects) return;
      this.budgetSubjects.add(series);
    }
    this.budgetUsed.set({ scope, subject }, Number.isFinite(ratio) ? ratio : 0);
  }

  countBudgetWarning(scope: string): void {
    this.budgetWarnings.inc({ scope });
  }

  setInflight(count: number): void {
    this.inflight.set(count);
  }

  setWebSockets(count: number): void {
    this.webSockets.set(count);
  }

  countWebSocketRefused(reason: 'auth' | 'origin' | 'limit' | 'idle'): void {
    this.webSocketsRefused.inc({ reason });
  }

  /**
   * A reloaded config's names become label values too. Earlier ones stay (their series exist
   * already), so the label set grows only with what configs have declared, never with traffic.
   */
  allowLabels(labels: Pick<GatewayMetricsOptions, 'knownModels' | 'knownProviders' | 'knownKeys' | 'knownTeams'>): void {
    for (const model of labels.knownModels) this.knownModels.add(model);
    for (const provider of labels.knownProviders) this.knownProviders.add(provider);
    for (const key of labels.knownKeys ?? []) this.knownKeys.add(key);
    for (const team of labels.knownTeams ?? []) this.knownTeams.add(team);
  }

  /** The Prometheus text exposition of this gateway's registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private modelLabel(model: string | null | undefined): string {
    if (model === null || model === undefined) return 'none';
    return this.knownModels.has(model) ? model : 'other';
  }

  private providerLabel(provider: string | null): string {
    if (provider === null) return 'none';
    return this.knownProviders.has(provider) ? provider : 'other';
  }
}

/**
 * The label sets a config allows: aliases, target models and `provider/model` names; the key
 * names it declares and the teams of those keys and of its team budgets (keys made through the
 * admin API are many and unbounded: they fold into `other`).
 */
export function metricsLabelsOf(
  config: Pick<RuntimeConfig, 'providers' | 'models'> & Partial<Pick<RuntimeConfig, 'keys' | 'budgets'>>,
): Pick<GatewayMetricsOptions, 'knownModels' | 'knownProviders' | 'knownKeys' | 'knownTeams'> {
  const models = new Set<string>();
  for (const model of Object.values(config.models)) {
    models.add(model.alias);
    for (const target of model.targets) {
      models.add(target.model);
      models.add(`${target.provider}/${target.model}`);
    }
  }
  const keys = config.keys ?? [];
  const teams = new Set(keys.flatMap((key) => (key.team === undefined ? [] : [key.team])));
  for (const budget of config.budgets ?? []) if (budget.scope === 'team') teams.add(budget.name);
  return { knownModels: [...models], knownProviders: Object.keys(config.providers), knownKeys: keys.map((key) => key.name), knownTeams: [...teams] };
}

/** A configured name as itself, any other as `other`, none as `none`. */
function boundedLabel(known: ReadonlySet<string>, value: string | null): string {
  if (value === null) return 'none';
  return known.has(value) ? value : 'other';
}

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}
