// The JSON shapes the gateway answers under /ui/api (see src/http/ui/ui-data.ts). Type-only
// imports of the server's views are erased by the build: no server code reaches the bundle.
import type { ExperimentView } from '../../src/http/admin/experiment-report.ts';
import type { LogRowView, SpendRowView } from '../../src/observability/log-row-view.ts';

export type LogRow = LogRowView;
export type SpendGroup = SpendRowView;

export interface Budget {
  scope: string;
  subject: string;
  window: string;
  mode: 'hard' | 'soft';
  source: 'config' | 'api';
  limit_usd: number;
  spent_usd: number;
  reserved_usd: number;
  used_ratio: number | null;
  warn_at: number;
  warn_usd: number;
  window_start: string;
  resets_at: string | null;
  status: 'ok' | 'warning' | 'exhausted';
}

export interface LastFailure {
  request_id: string;
  started_at: string;
  key_name: string | null;
  model: string | null;
  provider: string | null;
  status: number;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
}

export interface OverviewPoint {
  t: number;
  requests: number;
  requests_per_minute: number;
  errors: number;
  error_rate: number;
  p50_latency_ms: number | null;
  p99_latency_ms: number | null;
  p50_ttft_ms: number | null;
  p99_ttft_ms: number | null;
  cost_usd: number;
}

export interface CacheView {
  group: string;
  requests: number;
  hits: number;
  misses: number;
  hit_rate: number;
  saved_usd: number;
  input_tokens: number;
  cached_input_tokens: number;
  cached_share: number;
  prompt_cache_saved_usd: number;
}

export interface Overview {
  range: string;
  since: string;
  until: string;
  bucket_ms: number;
  series: OverviewPoint[];
  /** The whole range's figures: a point's, without its time and cost. */
  totals: Omit<OverviewPoint, 't' | 'cost_usd'> & { truncated: boolean };
  spend: { today_usd: number; month_usd: number; week_start: string; week_by_key: SpendGroup[] };
  top: { keys: SpendGroup[]; teams: SpendGroup[]; models: SpendGroup[] };
  caching: { totals: CacheView; by_key: CacheView[]; by_model: CacheView[] };
  budgets: Budget[];
  last_failure: LastFailure | null;
}

export interface KeyView {
  name: string;
  source: string;
  prefix?: string;
  team?: string | null;
  user?: string | null;
  tags?: string[];
  models_allowed?: string[] | null;
  budget?: { limit_usd: number; window: string; mode: string; warn_at?: number } | null;
  rate_limit?: { rpm?: number; tpm?: number; concurrent?: number } | null;
  revoked_at?: string | null;
  expires_at?: string | null;
  status?: string;
  [field: string]: unknown;
}

/** One `/admin/experiments` entry. */
export type Experiment = ExperimentView;
