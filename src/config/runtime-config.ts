import type { ReasoningEffort } from '../core/ir/index.ts';
import type { Secret } from './secret.ts';
import type { GuardrailsConfig, GuardrailsOverride, GuardrailsSaltSource } from './guardrails-config.ts';
import type { PricingConfig, RoutingConfig } from './schema.ts';
import type { CacheConfig, CacheOverride, CacheStoreConfig } from './cache-config.ts';

import type { Provider } from '../providers/provider.ts';
import type { CloudCredentials } from '../providers/provider-descriptor.ts';
import type { ProviderType } from '../providers/registry.ts';

export type { ProviderType } from '../providers/registry.ts';

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  baseUrl: string;
  apiKey?: Secret;
  headers: Record<string, string>;
  apiVersion?: string;
  /** Bedrock region / Vertex location, Vertex project, cloud credentials (docs/decisions/0013). */
  region?: string;
  project?: string;
  credentials?: CloudCredentials;
  /** Deployment quirks handed to the dialect encoders (see the schema). */
  quirks: Record<string, unknown>;
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
  /** The top-level `upstream:` caps, copied onto each provider (defaults when absent). */
  limits?: { maxBodyBytes: number; maxSseEventBytes: number };
}

export interface TargetConfig {
  provider: string;
  model: string;
  weight: number;
  pricing?: PricingConfig;
  contextWindow?: number;
  maxOutputTokens?: number;
  reasoningEffort?: ReasoningEffort;
  supportsReasoning?: boolean;
  /** `strategy: experiment`: the variant name (default provider/model). */
  variant?: string;
  /** false: no gateway-placed Anthropic cache breakpoints for this model (`cache.prompt_caching`). */
  promptCaching?: boolean;
}

export type RoutingStrategy = 'failover' | 'weighted' | 'round-robin' | 'lowest-latency' | 'cheapest' | 'experiment' | 'hedge';

export interface ModelConfig {
  alias: string;
  targets: TargetConfig[];
  strategy: RoutingStrategy;
  /** `hedge`: ms without a first byte before the next target starts too. */
  hedgeAfterMs?: number;
  /** `cheapest`: targets with a measured TTFT p95 above this go last. */
  maxTtftP95Ms?: number;
  guardrails?: GuardrailsOverride;
  cache?: CacheOverride;
}

export interface BudgetConfig {
  limitUsd: number;
  window: 'day' | 'week' | 'month' | 'total';
  mode: 'hard' | 'soft';
  warnAt: number;
  /** 1 = Monday … 7 = Sunday (UTC). */
  weekStartsOn: number;
  /** 1-28 (UTC). */
  monthStartsOn: number;
  webhookUrl?: string;
}

/** A budget on the org, a team, a user or a tag (key budgets live on the key). */
export interface ScopedBudgetConfig extends BudgetConfig {
  scope: 'org' | 'team' | 'user' | 'tag' | 'attribute';
  /** Team, user or tag name, or the attribute's name; '*' for the org. */
  name: string;
  /** For `attribute`: the value it holds. */
  value?: string;
}

/** Attributes from request headers (contract §2 `attribution`). */
export interface AttributionConfig {
  /** attribute name → lower-case request header name. */
  headers: Record<string, string>;
  /** Attributes Prometheus gets as labels. */
  metricLabels: string[];
}

export interface RateLimitConfig {
  rpm?: number;
  tpm?: number;
  concurrent?: number;
}

/** A client key as the gateway keeps it: hashed, never the secret itself. */
export interface KeyConfig {
  name: string;
  /** sha256 hex of the secret. */
  hash: string;
  team?: string;
  user?: string;
  tags: string[];
  modelsAllowed?: string[];
  aliases: Record<string, string>;
  budget?: BudgetConfig;
  rateLimit?: RateLimitConfig;
  expiresAt?: Date;
  guardrails?: GuardrailsOverride;
  cache?: CacheOverride;
}

export interface RuntimeConfig {
  /** Where the config came from: a file path or `defaults (environment)`. */
  source: string;
  server: {
    host: string;
    port: number;
    masterKey?: Secret;
    maxBodyBytes: number;
    drainTimeoutMs: number;
    /** Until the request head is in (slowloris). */
    headersTimeoutMs: number;
    /** Until the whole request (head and body) is in; never the response. */
    requestTimeoutMs: number;
    /** Longest pause between two body chunks. */
    bodyIdleTimeoutMs: number;
    /** Model calls in flight at once, all keys / one key; beyond: 503 overloaded with Retry-After. */
    maxInFlight: number;
    maxInFlightPerKey: number;
    /** Idle stream time before a `: keepalive` comment. */
    sseHeartbeatMs: number;
  };
  providers: Record<string, ProviderConfig>;
  models: Record<string, ModelConfig>;
  keys: KeyConfig[];
  budgets: ScopedBudgetConfig[];
  /** Per-team rate limits (key limits live on the key). */
  teamRateLimits: Record<string, RateLimitConfig>;
  routing: RoutingConfig;
  observability: {
    processMetrics: boolean;
    /** OTLP/HTTP trace export; absent = tracing off. */
    otlp?: { endpoint: string; headers: Record<string, string>; serviceName: string };
  };
  /**
   * `instanceId`: the stable id this instance's budget reservations carry, so a restart frees
   * what its previous run held (default `hostname:port`; none when the port is 0).
   */
  /** `outboxDir`: where a Postgres instance keeps rows it could not write yet (`storage.outbox_dir`, default `./.switchyard`). */
  storage: { url: string; instanceId?: string; outboxDir?: string };
  /**
   * Redis coordination (docs/decisions/0009): `onUnavailable` says what a key with budgets or
   * limits gets while Redis cannot answer (`deny`: 503 `budget_store_unavailable`; `allow`:
   * served unchecked, logged and counted); every Redis key starts with `keyPrefix`.
   */
  coordination?: { url: string; onUnavailable: 'deny' | 'allow'; keyPrefix: string };
  attribution: AttributionConfig;
  logging: { bodies: boolean; level: 'debug' | 'info' | 'warn' | 'error' };
  /** Stored Responses (how long a turn is kept) and the Responses WebSocket (how many, how long idle). */
  responses: { retentionMs: number; websocketMaxConnections: number; websocketIdleTimeoutMs: number };
  /** Things that work but are probably not meant (printed at start and on reload). */
  warnings: string[];
  /** The top-level guardrails (defaults filled in) and the per-team overrides. */
  guardrails: GuardrailsConfig;
  teamGuardrails: Record<string, GuardrailsOverride>;
  /** The HMAC salt of placeholders and fingerprints, and where it came from (docs/decisions/0006). */
  guardrailsSalt: { salt: Secret; source: GuardrailsSaltSource };
  /** The response cache (docs/decisions/0012): top-level settings, per-team overrides, the stores. Absent = off. */
  cache?: { defaults: CacheConfig; teams: Record<string, CacheOverride>; store: CacheStoreConfig; anyOn: boolean };
}

/** A provider as the gateway uses it: its config bound to its type's descriptor. */
export type ConfiguredProvider = Provider<ProviderConfig>;
