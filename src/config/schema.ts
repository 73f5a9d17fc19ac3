import { z } from 'zod';
import { attributionSchema } from './attribution-schema.ts';
import { uiSchema } from './ui-config.ts';
import { guardrailsSchema, teamSchema, topLevelGuardrailsSchema } from './guardrails-schema.ts';
import { cacheSchema, topLevelCacheSchema } from './cache-schema.ts';

/**
 * The config file's schema: the single source of truth for what a config may say
 * (documented in the README's configuration reference). Every object is strict, so an unknown key is an error naming its path.
 */
const positiveInt = z.number().int().positive();
/** An http(s) URL: `htp://…` is a typo that would otherwise surface at the first request. */
const httpUrl = z.url({
  protocol: /^https?$/,
  // Names the scheme only, never the URL (it may carry a credential).
  error: (issue) => {
    const scheme = typeof issue.input === 'string' ? /^([a-z][a-z0-9+.-]*:)/i.exec(issue.input)?.[1] : undefined;
    return scheme && !/^https?:$/i.test(scheme) ? `scheme "${scheme}" is not allowed (use http: or https:)` : 'expected an http:// or https:// URL';
  },
});
const usd = z.number().nonnegative();

export const pricingSchema = z.strictObject({
  input: usd,
  cached_input: usd.optional(),
  cache_write: usd.optional(),
  output: usd,
  reasoning: usd.optional(),
});

import { providerTypes } from '../providers/registry.ts';

export { providerTypes };

const cloudName = z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and - only');

export const providerSchema = z.strictObject({
  type: z.enum(providerTypes),
  base_url: httpUrl.optional(),
  api_key: z.string().optional(),
  /** Extra headers sent upstream on every request (e.g. OpenRouter's HTTP-Referer). */
  headers: z.record(z.string(), z.string()).optional(),
  /**
   * What this deployment does differently (read by the dialect encoders), e.g.
   * `images: false` (text-only models), `developer_role: true`, `reasoning_effort: true`,
   * `system_message_first_only: true`, `thinking: adaptive|enabled|none`, `web_search: false`,
   * `bedrock_api: converse` (Bedrock: Claude through Converse too, docs/decisions/0013).
   */
  quirks: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
  /** Anthropic `anthropic-version`; Azure `api-version`. */
  api_version: z.string().optional(),
  /** Bedrock: the AWS region (else AWS_REGION / AWS_DEFAULT_REGION). docs/decisions/0013. */
  region: cloudName.optional(),
  /** Vertex: the location (`global`, `us-east5`…; else GOOGLE_CLOUD_LOCATION / CLOUD_ML_REGION). */
  location: cloudName.optional(),
  /** Vertex: the Google Cloud project (else GOOGLE_CLOUD_PROJECT). */
  project: z.string().min(1).optional(),
  /** Bedrock: static keys (else the AWS chain: environment, `profile` / AWS_PROFILE, SSO, roles). */
  access_key_id: z.string().min(1).optional(),
  secret_access_key: z.string().min(1).optional(),
  session_token: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  /** Vertex: a service-account key file (else application-default credentials); its `token_uri` is honoured. */
  credentials_file: z.string().min(1).optional(),
  timeouts: z
    .strictObject({
      connect_ms: positiveInt.optional(),
      first_byte_ms: positiveInt.optional(),
      idle_ms: positiveInt.optional(),
    })
    .optional(),
});

const reasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

export const targetSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  weight: z.number().positive().optional(),
  pricing: pricingSchema.optional(),
  context_window: positiveInt.optional(),
  max_output_tokens: positiveInt.optional(),
  reasoning_effort: reasoningEffort.optional(),
  supports_reasoning: z.boolean().optional(),
  /** `strategy: experiment`: the variant this target belongs to (default: provider/model). */
  variant: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'letters, digits and _ . : / - only, at most 64')
    .optional(),
});

const singleTargetModel = targetSchema.extend({ guardrails: guardrailsSchema.optional(), cache: cacheSchema.optional() });
const multiTargetModel = z.strictObject({
  targets: z.array(targetSchema).min(1),
  guardrails: guardrailsSchema.optional(),
  cache: cacheSchema.optional(),
  strategy: z.enum(['failover', 'weighted', 'round-robin', 'lowest-latency', 'cheapest', 'experiment', 'hedge']).optional(),
  /** `strategy: hedge`: start the next target when the current one has sent no first byte after this long. */
  hedge_after_ms: positiveInt.optional(),
  /** `strategy: cheapest`: skip (try last) targets whose measured time-to-first-token p95 is above this. */
  max_ttft_p95_ms: positiveInt.optional(),
  pricing: pricingSchema.optional(),
  context_window: positiveInt.optional(),
  max_output_tokens: positiveInt.optional(),
});

export const modelSchema = z.union([singleTargetModel, multiTargetModel]);

const budgetWindow = z.enum(['day', 'week', 'month', 'total']);
const budgetFields = {
  limit_usd: usd,
  /** Defaults to month through the admin API; a config file must say it (see configKeySchema). */
  window: budgetWindow.default('month'),
  mode: z.enum(['hard', 'soft']).default('hard'),
  warn_at: z.number().gt(0).lte(1).default(0.8),
  /** Where a week starts (UTC): 1 = Monday … 7 = Sunday. */
  week_starts_on: z.number().int().min(1).max(7).default(1),
  /** Day of the month a monthly window starts (UTC), 1-28. */
  month_starts_on: z.number().int().min(1).max(28).default(1),
  /** Soft-mode (and hard-mode) warnings are POSTed here as JSON when the threshold is crossed. */
  webhook_url: httpUrl.optional(),
};

export const budgetSchema = z.strictObject(budgetFields);
/** In a config file a budget names its window: a limit with no period is a mistake, not a monthly cap. */
const configBudgetSchema = z.strictObject({ ...budgetFields, window: budgetWindow });

/** A budget on a scope other than one key: the whole org, a team, a user or a tag. */
export const scopedBudgetSchema = z.strictObject({
  scope: z.enum(['org', 'team', 'user', 'tag', 'attribute']),
  /** The team, user or tag name, or the attribute's name (not used for `org`). */
  name: z.string().min(1).optional(),
  /** For `attribute`: the value the budget holds (`{ scope: attribute, name: repo, value: billing }`). */
  value: z.string().min(1).max(256).optional(),
  ...budgetFields,
  window: budgetWindow,
});

export const rateLimitSchema = z.strictObject({
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  concurrent: positiveInt.optional(),
});

export const keySchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
  key: z.string().min(8, 'a client key needs at least 8 characters'),
  team: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).optional(),
  models_allowed: z.array(z.string().min(1)).optional(),
  aliases: z.record(z.string(), z.string()).optional(),
  budget: budgetSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  guardrails: guardrailsSchema.optional(),
  cache: cacheSchema.optional(),
});

/** A key as a config file declares it (its budget must name a window). */
const configKeySchema = keySchema.extend({ budget: configBudgetSchema.optional() });

export const routingRuleSchema = z.strictObject({
  name: z.string().min(1),
  when: z.strictObject({
    /** The model the client asked for (alias or name), case-insensitive. */
    model: z.string().min(1).optional(),
    /** Estimated input tokens strictly below / at or above this. */
    max_input_tokens: positiveInt.optional(),
    min_input_tokens: positiveInt.optional(),
    /** Any of these tool names is offered (e.g. apply_patch). */
    tools_include: z.array(z.string().min(1)).min(1).optional(),
    has_tools: z.boolean().optional(),
    /** Codex's `x-codex-turn-metadata.request_kind` (turn | compaction | prewarm). */
    request_kind: z.string().min(1).optional(),
    /** Request headers that must equal these values (names case-insensitive). */
    headers: z.record(z.string(), z.string()).optional(),
    /** Request body `metadata` entries that must equal these values. */
    metadata: z.record(z.string(), z.string()).optional(),
  }),
  /** The model alias (or provider/model) to serve the request with instead. */
  route_to: z.string().min(1),
});

export const routingSchema = z.strictObject({
  retry: z
    .strictObject({
      /** Tries per target, the first included. */
      max_attempts: z.number().int().min(1).max(10).default(2),
      base_delay_ms: z.number().int().min(0).default(250),
      max_delay_ms: z.number().int().min(0).default(8000),
      /** Retries and fallbacks stop once this much time has passed. */
      max_total_ms: positiveInt.default(60_000),
    })
    .prefault({}),
  circuit_breaker: z
    .strictObject({
      failure_threshold: positiveInt.default(5),
      cooldown_ms: positiveInt.default(30_000),
    })
    .prefault({}),
  sticky_sessions: z
    .strictObject({
      enabled: z.boolean().default(true),
      ttl_ms: positiveInt.default(3_600_000),
      max_sessions: positiveInt.default(100_000),
    })
    .prefault({}),
  rules: z.array(routingRuleSchema).default([]),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      master_key: z.string().min(8).optional(),
      max_body_bytes: positiveInt.optional(),
      drain_timeout_ms: positiveInt.optional(),
      headers_timeout_ms: positiveInt.optional(),
      request_timeout_ms: positiveInt.optional(),
      body_idle_timeout_ms: positiveInt.optional(),
      max_in_flight: positiveInt.optional(),
      max_in_flight_per_key: positiveInt.optional(),
      sse_heartbeat_ms: positiveInt.optional(),
    })
    .optional(),
  providers: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'), providerSchema).optional(),
  models: z.record(z.string().min(1), modelSchema).optional(),
  keys: z.array(configKeySchema).optional(),
  budgets: z.array(scopedBudgetSchema).optional(),
  routing: routingSchema.prefault({}),
  rate_limits: z
    .strictObject({
      teams: z.record(z.string(), rateLimitSchema).optional(),
    })
    .optional(),
  observability: z
    .strictObject({
      metrics: z.strictObject({ process: z.boolean().optional() }).optional(),
      otlp: z
        .strictObject({
          endpoint: httpUrl.optional(),
          headers: z.record(z.string(), z.string()).optional(),
          service_name: z.string().min(1).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Caps on one upstream answer (docs/decisions/0003); defaults 32 MiB body, 8 MiB SSE event. */
  upstream: z
    .strictObject({
      max_body_bytes: positiveInt.optional(),
      max_sse_event_bytes: positiveInt.optional(),
    })
    .optional(),
  guardrails: topLevelGuardrailsSchema.optional(),
  /** Response cache and provider prompt caching (docs/decisions/0012). */
  cache: topLevelCacheSchema.optional(),
  /** Team entries (name → settings): a team's guardrails override the top-level ones. */
  teams: z.record(z.string().min(1), teamSchema).optional(),
  /** `instance_id`: this instance's stable name for its budget reservations (docs/decisions/0005). */
  storage: z.strictObject({ url: z.string().min(1), instance_id: z.string().min(1).max(200).optional(), outbox_dir: z.string().min(1).optional() }).optional(),
  /** Shared counters, reservations and revocation over Redis (docs/decisions/0009). */
  coordination: z
    .strictObject({
      url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
      on_unavailable: z.enum(['deny', 'allow']).optional(),
      key_prefix: z.string().min(1).max(100).optional(),
    })
    .optional(),
  attribution: attributionSchema.prefault({}),
  /** Stored Responses and the Responses WebSocket (docs/decisions/0011). */
  responses: z
    .strictObject({
      retention_hours: positiveInt.optional(),
      websocket_max_connections: positiveInt.optional(),
      websocket_idle_timeout_ms: positiveInt.optional(),
    })
    .optional(),
  /** The dashboard at `/ui`: sessions and optional OIDC single sign-on (docs/decisions/0010). */
  ui: uiSchema.optional(),
  logging: z
    .strictObject({
      bodies: z.boolean().optional(),
      level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type ProviderConfigFile = z.infer<typeof providerSchema>;
export type TargetConfigFile = z.infer<typeof targetSchema>;
export type KeyConfigFile = z.infer<typeof keySchema>;
export type PricingConfig = z.infer<typeof pricingSchema>;
export type RoutingConfig = z.infer<typeof routingSchema>;
export type RoutingRuleConfig = z.infer<typeof routingRuleSchema>;
export type ScopedBudgetConfigFile = z.infer<typeof scopedBudgetSchema>;
