import { guardrailsFileOf } from '../../config/guardrails-config.ts';
import { cacheFileOf } from '../../config/cache-config.ts';
import type { CacheConfigFile } from '../../config/cache-schema.ts';
import type { GuardrailsConfigFile } from '../../config/guardrails-schema.ts';
import type { BudgetConfig, KeyConfig, RateLimitConfig } from '../../config/runtime-config.ts';
import type { VirtualKeyRecord } from '../../store/virtual-key-store.ts';

/** A key as the admin API shows it: every setting, never the secret or its hash. */
export interface AdminKeyView {
  name: string;
  source: 'api' | 'config';
  /** The secret's first characters (stored keys only; config keys are known by hash alone). */
  prefix: string | null;
  /** `shadowed`: a stored key whose name a config key also uses (config wins; it is refused). */
  status: 'active' | 'revoked' | 'expired' | 'shadowed';
  team: string | null;
  user: string | null;
  tags: string[];
  /** null: every model. */
  models_allowed: string[] | null;
  aliases: Record<string, string>;
  budget: BudgetView | null;
  rate_limit: RateLimitConfig | null;
  /** The key's own guardrails override in the config file's spelling; null: none (team / global apply). */
  guardrails: GuardrailsConfigFile | null;
  /** The key's own response-cache override in the config file's spelling; null: none (team / global apply). */
  cache?: CacheConfigFile | null;
  expires_at: string | null;
  created_at: string | null;
  revoked_at: string | null;
}

/** Budget in the config file's spelling, so what you POST is what you GET. */
export interface BudgetView {
  limit_usd: number;
  window: BudgetConfig['window'];
  mode: BudgetConfig['mode'];
  warn_at: number;
  week_starts_on: number;
  month_starts_on: number;
  webhook_url?: string;
}

export function viewOfRecord(record: VirtualKeyRecord, now: Date, shadowed: boolean): AdminKeyView {
  const expired = record.expiresAt !== undefined && new Date(record.expiresAt).getTime() <= now.getTime();
  return {
    name: record.name,
    source: 'api',
    prefix: record.prefix,
    status: record.revokedAt ? 'revoked' : shadowed ? 'shadowed' : expired ? 'expired' : 'active',
    team: record.team ?? null,
    user: record.user ?? null,
    tags: record.tags,
    models_allowed: record.modelsAllowed ?? null,
    aliases: record.aliases,
    budget: record.budget ? budgetView(record.budget) : null,
    rate_limit: record.rateLimit ?? null,
    guardrails: record.guardrails ? guardrailsFileOf(record.guardrails) : null,
    ...(record.cache ? { cache: cacheFileOf(record.cache) } : {}),
    expires_at: record.expiresAt ?? null,
    created_at: record.createdAt,
    revoked_at: record.revokedAt ?? null,
  };
}

export function viewOfConfigKey(key: KeyConfig, now: Date): AdminKeyView {
  const expired = key.expiresAt !== undefined && key.expiresAt.getTime() <= now.getTime();
  return {
    name: key.name,
    source: 'config',
    prefix: null,
    status: expired ? 'expired' : 'active',
    team: key.team ?? null,
    user: key.user ?? null,
    tags: key.tags,
    models_allowed: key.modelsAllowed ?? null,
    aliases: key.aliases,
    budget: key.budget ? budgetView(key.budget) : null,
    rate_limit: key.rateLimit ?? null,
    guardrails: key.guardrails ? guardrailsFileOf(key.guardrails) : null,
    ...(key.cache ? { cache: cacheFileOf(key.cache) } : {}),
    expires_at: key.expiresAt?.toISOString() ?? null,
    created_at: null,
    revoked_at: null,
  };
}

function budgetView(budget: BudgetConfig): BudgetView {
  const view: BudgetView = {
    limit_usd: budget.limitUsd,
    window: budget.window,
    mode: budget.mode,
    warn_at: budget.warnAt,
    week_starts_on: budget.weekStartsOn,
    month_starts_on: budget.monthStartsOn,
  };
  if (budget.webhookUrl) view.webhook_url = budget.webhookUrl;
  return view;
}
