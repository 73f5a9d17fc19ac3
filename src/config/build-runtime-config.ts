import { checkUpstreamUrl } from '../core/upstream-address-policy.ts';
import { providerDescriptor, providerTypes } from '../providers/registry.ts';
import { upstreamLimits } from './upstream-limits.ts';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.ts';
import { Secret } from './secret.ts';
import { cloudSettings } from './cloud-settings.ts';
import type { ConfigFile, KeyConfigFile, TargetConfigFile } from './schema.ts';
import {
  type AttributionConfig,
  type BudgetConfig,
  type KeyConfig,
  type ScopedBudgetConfig,
  type ModelConfig,
  type ProviderConfig,
  type RuntimeConfig,
  type TargetConfig,
} from './runtime-config.ts';
import { hashKey } from '../core/hash-key.ts';
import { buildCacheOverride, buildCacheStoreConfig, defaultCache, mergeCache, type CacheOverride } from './cache-config.ts';
import { buildGuardrailsOverride, defaultGuardrails, guardrailsSalt, mergeGuardrails, type GuardrailsOverride } from './guardrails-config.ts';

const defaultTimeouts = { connectMs: 10_000, firstByteMs: 120_000, idleMs: 300_000 };

/**
 * Turns a validated config file into the frozen runtime config, checking what the schema
 * cannot (references between sections, duplicates). With no providers configured, they come
 * from the usual environment variables.
 */
export function buildRuntimeConfig(file: ConfigFile, context: { env: NodeJS.ProcessEnv; source: string; cwd: string }): RuntimeConfig {
  const { env } = context;
  const providers: Record<string, ProviderConfig> = {};
  const fileProviders = file.providers ?? providersFromEnvironment(env);
  for (const [name, provider] of Object.entries(fileProviders)) {
    const descriptor = providerDescriptor(provider.type);
    const cloud = cloudSettings(name, provider, descriptor, env);
    const baseUrl =
      provider.base_url ??
      (descriptor.baseUrlEnv ? env[descriptor.baseUrlEnv] || undefined : undefined) ??
      (cloud.region && descriptor.regionalBaseUrl ? descriptor.regionalBaseUrl(cloud.region) : descriptor.defaultBaseUrl);
    if (!baseUrl) throw new ConfigError(`providers.${name}.base_url: required for type ${provider.type}`);
    let checkedUrl: URL;
    try {
      checkedUrl = checkUpstreamUrl(baseUrl);
    } catch (error) {
      throw new ConfigError(`providers.${name}.base_url: ${(error as Error).message}`);
    }
    const key = provider.api_key ?? descriptor.keyEnv.map((variable) => env[variable]).find((value) => value);
    const config: ProviderConfig = {
      name,
      type: provider.type,
      baseUrl: checkedUrl.href.replace(/\/+$/, ''),
      headers: provider.headers ?? {},
      quirks: { ...(descriptor.quirks ?? {}), ...(provider.quirks ?? {}) },
      timeouts: {
        connectMs: provider.timeouts?.connect_ms ?? defaultTimeouts.connectMs,
        firstByteMs: provider.timeouts?.first_byte_ms ?? defaultTimeouts.firstByteMs,
        idleMs: provider.timeouts?.idle_ms ?? defaultTimeouts.idleMs,
      },
      limits: {
        maxBodyBytes: file.upstream?.max_body_bytes ?? upstreamLimits.maxBodyBytes,
        maxSseEventBytes: file.upstream?.max_sse_event_bytes ?? upstreamLimits.maxSseEventBytes,
      },
    };
    if (key) config.apiKey = new Secret(key);
    if (provider.api_version) config.apiVersion = provider.api_version;
    Object.assign(config, cloud);
    providers[name] = config;
  }

  const models: Record<string, ModelConfig> = {};
  for (const [alias, model] of Object.entries(file.models ?? {})) {
    const targets = 'targets' in model ? model.targets : [model];
    const shared = 'targets' in model ? model : undefined;
    models[alias] = {
      alias,
      strategy: ('targets' in model ? model.strategy : undefined) ?? 'failover',
      targets: targets.map((target, index) => {
        const path = 'targets' in model ? `models.${alias}.targets.${index}` : `models.${alias}`;
        if (!providers[target.provider]) {
          throw new ConfigError(`${path}.provider: no provider named "${target.provider}"`, `known: ${Object.keys(providers).join(', ') || 'none'}`);
        }
        return buildTarget(target, shared);
      }),
    };
    if (shared) checkStrategyOptions(alias, shared, models[alias]);
    const guardrails = buildGuardrailsOverride(model.guardrails);
    if (guardrails) models[alias].guardrails = guardrails;
    const cache = buildCacheOverride(model.cache);
    if (cache) models[alias].cache = cache;
    if (cache?.promptCaching === false) models[alias].targets = models[alias].targets.map((target) => ({ ...target, promptCaching: false }));
  }

  const keys: KeyConfig[] = [];
  const seenNames = new Set<string>();
  const seenHashes = new Set<string>();
  for (const [index, key] of (file.keys ?? []).entries()) {
    if (seenNames.has(key.name)) throw new ConfigError(`keys.${index}.name: duplicate key name "${key.name}"`);
    const hash = hashKey(key.key);
    if (seenHashes.has(hash)) throw new ConfigError(`keys.${index}.key: the same secret is used by two keys`);
    seenNames.add(key.name);
    seenHashes.add(hash);
    const entry: KeyConfig = { name: key.name, hash, tags: key.tags ?? [], aliases: key.aliases ?? {} };
    if (key.team) entry.team = key.team;
    if (key.user) entry.user = key.user;
    if (key.models_allowed) entry.modelsAllowed = key.models_allowed;
    if (key.budget) entry.budget = buildBudget(key.budget);
    if (key.rate_limit) entry.rateLimit = { ...key.rate_limit };
    if (key.expires_at) entry.expiresAt = new Date(key.expires_at);
    const guardrails = buildGuardrailsOverride(key.guardrails);
    if (guardrails) entry.guardrails = guardrails;
    const cache = buildCacheOverride(key.cache);
    if (cache) entry.cache = cache;
    keys.push(entry);
  }

  const warnings: string[] = [];
  const budgets: ScopedBudgetConfig[] = (file.budgets ?? []).map((budget, index) => {
    if (budget.scope !== 'org' && !budget.name) throw new ConfigError(`budgets.${index}.name: required for scope ${budget.scope}`);
    if (budget.scope === 'attribute') {
      if (budget.value === undefined) throw new ConfigError(`budgets.${index}.value: required for scope attribute (the value the budget holds, e.g. billing)`);
      if (file.attribution.headers[budget.name!] === undefined)
        warnings.push(`budgets.${index}: attribute "${budget.name}" is not in attribution.headers (only x-switchyard-metadata could set it)`);
      return { scope: budget.scope, name: budget.name!, value: budget.value, ...buildBudget(budget) };
    }
    if (budget.value !== undefined) throw new ConfigError(`budgets.${index}.value: only a budget with scope attribute has a value`);
    return { scope: budget.scope, name: budget.scope === 'org' ? '*' : budget.name!, ...buildBudget(budget) };
  });

  const servable = (name: string) =>
    Object.keys(models).some((alias) => alias.toLowerCase() === name.trim().toLowerCase()) ||
    (name.includes('/') && providers[name.slice(0, name.indexOf('/'))] !== undefined);
  // With no models: declared, a bare name is served by the provider whose type claims its prefix (or the only one).
  const claims = (type: ProviderConfig['type'], name: string) =>
    providerDescriptor(type).modelPrefixes.some((pattern) => pattern.test(name.trim().toLowerCase()));
  const servableBare = (name: string) => {
    if (Object.keys(models).length > 0) return false;
    if (Object.values(providers).some((provider) => claims(provider.type, name))) return true;
    // A name of a known family goes only to that family; any other to the only provider.
    return Object.keys(providers).length === 1 && !providerTypes.some((type) => claims(type, name));
  };
  for (const [index, key] of keys.entries()) {
    for (const [entry, name] of (key.modelsAllowed ?? []).entries()) {
      if (servable(name) || servableBare(name)) continue;
      throw new ConfigError(
        `keys.${index}.models_allowed.${entry}: "${name}" is neither a model alias nor provider/model, so the key could never use it`,
        `aliases: ${Object.keys(models).join(', ') || 'none'}; providers: ${Object.keys(providers).join(', ') || 'none'}`,
      );
    }
  }
  const configTeams = new Set(keys.flatMap((key) => (key.team === undefined ? [] : [key.team])));
  for (const [index, budget] of budgets.entries()) {
    if (budget.scope === 'team' && !configTeams.has(budget.name)) {
      warnings.push(`budgets.${index}: no key in the config belongs to team "${budget.name}" (only keys made through the admin API could spend against it)`);
    }
  }
  for (const team of Object.keys(file.rate_limits?.teams ?? {})) {
    if (!configTeams.has(team))
      warnings.push(`rate_limits.teams.${team}: no key in the config belongs to team "${team}" (only keys made through the admin API could use it)`);
  }
  for (const [index, rule] of file.routing.rules.entries()) {
    if (!servable(rule.route_to)) throw new ConfigError(`routing.rules.${index}.route_to: "${rule.route_to}" is neither a model alias nor provider/model`);
    if (rule.when.model !== undefined && !servable(rule.when.model)) {
      throw new ConfigError(
        `routing.rules.${index}.when.model: "${rule.when.model}" is not a model alias`,
        'a rule changes where an existing alias goes; declare the alias under models:',
      );
    }
  }

  const storageUrl = file.storage?.url ?? env['SWITCHYARD_STORAGE_URL'] ?? `sqlite:${resolve(context.cwd, '.switchyard', 'switchyard.db')}`;
  const runtime: RuntimeConfig = {
    source: context.source,
    server: {
      host: file.server?.host ?? '127.0.0.1',
      port: file.server?.port ?? 4141,
      maxBodyBytes: file.server?.max_body_bytes ?? 32 * 1024 * 1024,
      drainTimeoutMs: file.server?.drain_timeout_ms ?? 30_000,
      headersTimeoutMs: file.server?.headers_timeout_ms ?? 15_000,
      requestTimeoutMs: file.server?.request_timeout_ms ?? 120_000,
      bodyIdleTimeoutMs: file.server?.body_idle_timeout_ms ?? 30_000,
      maxInFlight: file.server?.max_in_flight ?? 512,
      maxInFlightPerKey: file.server?.max_in_flight_per_key ?? 128,
      sseHeartbeatMs: file.server?.sse_heartbeat_ms ?? 15_000,
    },
    providers,
    models,
    keys,
    budgets,
    routing: file.routing,
    observability: buildObservability(file, env),
    teamRateLimits: { ...(file.rate_limits?.teams ?? {}) },
    storage: {
      url: storageUrl,
      ...(file.storage?.instance_id !== undefined ? { instanceId: file.storage.instance_id } : {}),
      outboxDir: resolve(context.cwd, file.storage?.outbox_dir ?? '.switchyard'),
    },
    attribution: buildAttribution(file),
    logging: { bodies: file.logging?.bodies ?? false, level: file.logging?.level ?? 'info' },
    responses: {
      retentionMs: (file.responses?.retention_hours ?? 720) * 3_600_000,
      websocketMaxConnections: file.responses?.websocket_max_connections ?? 256,
      websocketIdleTimeoutMs: file.responses?.websocket_idle_timeout_ms ?? 900_000,
    },
    warnings,
    guardrails: mergeGuardrails(defaultGuardrails, buildGuardrailsOverride(file.guardrails)),
    teamGuardrails: teamGuardrails(file),
    cache: buildCacheSettings(file, models, keys, providers),
    guardrailsSalt: guardrailsSalt(
      file.guardrails?.fingerprint_salt ?? env['SWITCHYARD_GUARDRAILS_SALT'],
      file.server?.master_key ?? env['SWITCHYARD_MASTER_KEY'],
    ),
  };
  if (runtime.guardrailsSalt.source === 'process' && (file.coordination || runtime.storage.url.startsWith('postgres'))) {
    warnings.push(
      'guardrails.fingerprint_salt is not set (and there is no master key to derive it from): placeholders and fingerprints of secrets differ per instance and change on restart. Set the same guardrails.fingerprint_salt on every instance.',
    );
  }
  const masterKey = file.server?.master_key ?? env['SWITCHYARD_MASTER_KEY'];
  if (masterKey) runtime.server.masterKey = new Secret(masterKey);
  if (file.coordination) {
    runtime.coordination = {
      url: file.coordination.url,
      onUnavailable: file.coordination.on_unavailable ?? 'deny',
      keyPrefix: file.coordination.key_prefix ?? 'switchyard:',
    };
  }
  return deepFreeze(runtime);
}

function teamGuardrails(file: ConfigFile): Record<string, GuardrailsOverride> {
  const out: Record<string, GuardrailsOverride> = {};
  for (const [team, entry] of Object.entries(file.teams ?? {})) {
    const guardrails = buildGuardrailsOverride(entry.guardrails);
    if (guardrails) out[team] = guardrails;
  }
  return out;
}

function buildObservability(file: ConfigFile, env: NodeJS.ProcessEnv): RuntimeConfig['observability'] {
  const otlp = file.observability?.otlp;
  const endpoint = otlp?.endpoint ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const out: RuntimeConfig['observability'] = { processMetrics: file.observability?.metrics?.process ?? true };
  if (endpoint) out.otlp = { endpoint, headers: otlp?.headers ?? {}, serviceName: otlp?.service_name ?? env['OTEL_SERVICE_NAME'] ?? 'switchyard' };
  return out;
}

/** The config file's budget spelling → the runtime one (also used for budgets sent to the admin API). */
export function buildBudget(budget: NonNullable<KeyConfigFile['budget']>): BudgetConfig {
  const out: BudgetConfig = {
    limitUsd: budget.limit_usd,
    window: budget.window,
    mode: budget.mode,
    warnAt: budget.warn_at,
    weekStartsOn: budget.week_starts_on,
    monthStartsOn: budget.month_starts_on,
  };
  if (budget.webhook_url) out.webhookUrl = budget.webhook_url;
  return out;
}

function buildTarget(
  target: TargetConfigFile,
  shared: { pricing?: TargetConfigFile['pricing']; context_window?: number; max_output_tokens?: number } | undefined,
): TargetConfig {
  const out: TargetConfig = { provider: target.provider, model: target.model, weight: target.weight ?? 1 };
  const pricing = target.pricing ?? shared?.pricing;
  if (pricing) out.pricing = pricing;
  const contextWindow = target.context_window ?? shared?.context_window;
  if (contextWindow) out.contextWindow = contextWindow;
  const maxOutput = target.max_output_tokens ?? shared?.max_output_tokens;
  if (maxOutput) out.maxOutputTokens = maxOutput;
  if (target.reasoning_effort) out.reasoningEffort = target.reasoning_effort;
  if (target.supports_reasoning !== undefined) out.supportsReasoning = target.supports_reasoning;
  if (target.variant !== undefined) out.variant = target.variant;
  return out;
}

/** Options that belong to one strategy are refused on another: a silently ignored `hedge_after_ms` is a surprise later. */
function checkStrategyOptions(
  alias: string,
  file: { strategy?: string | undefined; hedge_after_ms?: number | undefined; max_ttft_p95_ms?: number | undefined; targets: TargetConfigFile[] },
  model: ModelConfig,
): void {
  const path = `models.${alias}`;
  if (file.hedge_after_ms !== undefined && model.strategy !== 'hedge') throw new ConfigError(`${path}.hedge_after_ms: only for strategy: hedge`);
  if (file.max_ttft_p95_ms !== undefined && model.strategy !== 'cheapest') throw new ConfigError(`${path}.max_ttft_p95_ms: only for strategy: cheapest`);
  if (model.strategy === 'hedge') {
    if (file.hedge_after_ms === undefined)
      throw new ConfigError(`${path}.hedge_after_ms: required for strategy: hedge (how long the first target may take to its first byte)`);
    if (model.targets.length < 2) throw new ConfigError(`${path}.targets: strategy: hedge needs at least two targets`);
    model.hedgeAfterMs = file.hedge_after_ms;
  }
  if (file.max_ttft_p95_ms !== undefined) model.maxTtftP95Ms = file.max_ttft_p95_ms;
  const variants = new Set(model.targets.map((target) => target.variant ?? `${target.provider}/${target.model}`));
  if (model.strategy === 'experiment' && variants.size < 2) throw new ConfigError(`${path}.targets: strategy: experiment needs at least two variants`);
  if (model.strategy !== 'experiment' && file.targets.some((target) => target.variant !== undefined))
    throw new ConfigError(`${path}.targets: variant is only for strategy: experiment`);
}

/** No config file: one provider per provider key found in the environment. */
function providersFromEnvironment(env: NodeJS.ProcessEnv): NonNullable<ConfigFile['providers']> {
  const providers: NonNullable<ConfigFile['providers']> = {};
  for (const type of providerTypes) {
    const descriptor = providerDescriptor(type);
    if (descriptor.fromEnvironment && descriptor.keyEnv.some((variable) => env[variable])) providers[type] = { type };
  }
  return providers;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Secret) && !(value instanceof Date)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The attribution block, checked: a metric label must be an attribute the gateway can read. */
function buildAttribution(file: ConfigFile): AttributionConfig {
  const headers = file.attribution.headers;
  const byHeader = new Map<string, string>();
  for (const [name, header] of Object.entries(headers)) {
    const other = byHeader.get(header);
    if (other !== undefined) throw new ConfigError(`attribution.headers.${name}: header "${header}" already carries attribute "${other}"`);
    byHeader.set(header, name);
  }
  for (const [index, label] of file.attribution.metric_labels.entries()) {
    if (headers[label] === undefined)
      throw new ConfigError(
        `attribution.metric_labels.${index}: "${label}" is not an attribute in attribution.headers`,
        `attributes: ${Object.keys(headers).join(', ') || 'none'}`,
      );
  }
  return { headers: { ...headers }, metricLabels: [...new Set(file.attribution.metric_labels)] };
}

/** The response cache: top-level defaults, team overrides, store settings, and whether any block turns it on. */
function buildCacheSettings(
  file: ConfigFile,
  models: Record<string, ModelConfig>,
  keys: KeyConfig[],
  providers: Record<string, ProviderConfig>,
): NonNullable<RuntimeConfig['cache']> {
  const semantic = file.cache?.semantic;
  if (semantic) {
    const slash = semantic.model.indexOf('/');
    const provider = slash > 0 ? providers[semantic.model.slice(0, slash)] : undefined;
    if (!provider || slash === semantic.model.length - 1) {
      throw new ConfigError(
        'cache.semantic.model: name the embeddings model as provider/model',
        `known providers: ${Object.keys(providers).join(', ') || 'none'}`,
      );
    }
    if (provider.type !== 'openai' && provider.type !== 'openai-compatible') {
      throw new ConfigError(`cache.semantic.model: provider "${provider.name}" is ${provider.type}; embeddings need an openai or openai-compatible provider`);
    }
  }
  const defaults = mergeCache(defaultCache, buildCacheOverride(file.cache));
  const teams: Record<string, CacheOverride> = {};
  for (const [team, entry] of Object.entries(file.teams ?? {})) {
    const cache = buildCacheOverride(entry.cache);
    if (cache) teams[team] = cache;
  }
  const overrides = [...Object.values(teams), ...Object.values(models).map((model) => model.cache), ...keys.map((key) => key.cache)];
  const anyOn = defaults.mode !== 'off' || overrides.some((override) => override?.mode !== undefined && override.mode !== 'off');
  return { defaults, teams, store: buildCacheStoreConfig(file.cache), anyOn };
}
