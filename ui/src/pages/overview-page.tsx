import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Chart } from '../chart.tsx';
import { budgetName, count, ms, percent, time, until, usd } from '../format.ts';
import type { CacheView, Overview, SpendGroup } from '../types.ts';
import { BudgetBar } from './budget-bar.tsx';

const ranges = ['1h', '6h', '24h', '7d', '30d'];

/** Traffic, errors, latency and TTFT over a range; spend; and the three questions a newcomer asks first. */
export function OverviewPage() {
  const [range, setRange] = useState('24h');
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    const load = () =>
      api<Overview>(`overview${query({ range })}`).then(
        (loaded) => live && setData(loaded),
        (failure: Error) => live && setError(failure.message),
      );
    void load();
    const timer = setInterval(load, 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [range]);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="loading">Loading…</p>;
  const times = data.series.map((point) => point.t);
  const topSpender = data.spend.week_by_key[0];
  const closest = data.budgets[0];
  const failure = data.last_failure;
  return (
    <section>
      <header class="page-header">
        <h1>Overview</h1>
        <div class="ranges">
          {ranges.map((name) => (
            <button type="button" key={name} class={name === range ? 'active' : ''} onClick={() => setRange(name)}>
              {name}
            </button>
          ))}
        </div>
      </header>
      <div class="answers">
        <article class="answer" data-testid="top-spender">
          <h2>Top spender this week</h2>
          {topSpender ? (
            <p>
              <strong>{topSpender.group}</strong> spent <strong>{usd(topSpender.cost_usd)}</strong> in {count(topSpender.requests)} requests since{' '}
              {time(data.spend.week_start).slice(0, 10)}
            </p>
          ) : (
            <p>No spend this week yet.</p>
          )}
        </article>
        <article class="answer" data-testid="closest-budget">
          <h2>Budget closest to its cap</h2>
          {closest ? (
            <>
              <p>
                <strong>{budgetName(closest.scope, closest.subject)}</strong>: {usd(closest.spent_usd)} of {usd(closest.limit_usd)} (
                {percent(closest.used_ratio)}) this {closest.window}, resets {until(closest.resets_at)}
              </p>
              <BudgetBar budget={closest} />
            </>
          ) : (
            <p>No budgets are configured.</p>
          )}
        </article>
        <article class={`answer ${failure ? 'failed' : ''}`} data-testid="last-failure">
          <h2>Why the last request failed</h2>
          {failure ? (
            <p>
              <strong>{failure.outcome}</strong> ({failure.status}
              {failure.error_code ? `, ${failure.error_code}` : ''}) at {time(failure.started_at)} for key {failure.key_name ?? '(none)'} on{' '}
              {failure.model ?? '(no model)'}
              {failure.provider ? ` via ${failure.provider}` : ''}: <span class="reason">{failure.error_message ?? 'no message'}</span>{' '}
              <a href={`/ui/logs?request=${encodeURIComponent(failure.request_id)}`}>details</a>
            </p>
          ) : (
            <p>No failed requests.</p>
          )}
        </article>
      </div>
      <div class="tiles">
        <Tile label="Requests / min" value={data.totals.requests_per_minute.toFixed(2)} />
        <Tile label="Error rate" value={percent(data.totals.error_rate)} testid="error-rate" />
        <Tile label="Latency p50 / p99" value={`${ms(data.totals.p50_latency_ms)} / ${ms(data.totals.p99_latency_ms)}`} />
        <Tile label="TTFT p50 / p99" value={`${ms(data.totals.p50_ttft_ms)} / ${ms(data.totals.p99_ttft_ms)}`} />
        <Tile label="Spend today" value={usd(data.spend.today_usd)} testid="spend-today" />
        <Tile label="Spend this month" value={usd(data.spend.month_usd)} testid="spend-month" />
      </div>
      <div class="charts">
        <Chart
          title="Requests per minute"
          times={times}
          series={[{ label: 'req/min', values: data.series.map((point) => point.requests_per_minute), color: '#2563eb' }]}
        />
        <Chart
          title="Error rate"
          times={times}
          format={(value) => percent(value)}
          series={[{ label: 'errors', values: data.series.map((point) => point.error_rate), color: '#dc2626' }]}
        />
        <Chart
          title="Latency (ms)"
          times={times}
          series={[
            { label: 'p50', values: data.series.map((point) => point.p50_latency_ms), color: '#059669' },
            { label: 'p99', values: data.series.map((point) => point.p99_latency_ms), color: '#d97706' },
          ]}
        />
        <Chart
          title="Time to first token (ms)"
          times={times}
          series={[
            { label: 'p50', values: data.series.map((point) => point.p50_ttft_ms), color: '#7c3aed' },
            { label: 'p99', values: data.series.map((point) => point.p99_ttft_ms), color: '#db2777' },
          ]}
        />
      </div>
      <div class="tops">
        <Top title={`Top keys (${range})`} groups={data.top.keys} />
        <Top title={`Top teams (${range})`} groups={data.top.teams} />
        <Top title={`Top models (${range})`} groups={data.top.models} />
      </div>
      <Caching range={range} caching={data.caching} />
    </section>
  );
}

/** The response cache (hits, dollars saved) and the providers' prompt caches (cached-token share, input cost saved). */
function Caching({ range, caching }: { range: string; caching: Overview['caching'] }) {
  const { totals } = caching;
  return (
    <article class="caching" data-testid="caching">
      <h2>Caching ({range})</h2>
      <div class="tiles">
        <Tile label="Response cache hit rate" value={`${percent(totals.hit_rate)} (${count(totals.hits)} hits)`} testid="cache-hit-rate" />
        <Tile label="Saved by response cache" value={usd(totals.saved_usd)} testid="cache-saved" />
        <Tile label="Prompt-cached input tokens" value={percent(totals.cached_share)} testid="cached-share" />
        <Tile label="Saved by provider prompt caches" value={usd(totals.prompt_cache_saved_usd)} testid="prompt-cache-saved" />
      </div>
      <div class="tops">
        <CacheTable title="By key" rows={caching.by_key} />
        <CacheTable title="By model" rows={caching.by_model} />
      </div>
    </article>
  );
}

function CacheTable({ title, rows }: { title: string; rows: CacheView[] }) {
  return (
    <article class="top">
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th />
              <th class="num">hits</th>
              <th class="num">saved</th>
              <th class="num">cached input</th>
              <th class="num">prompt cache saved</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.group}>
                <td>{row.group}</td>
                <td class="num">{count(row.hits)}</td>
                <td class="num">{usd(row.saved_usd)}</td>
                <td class="num">{percent(row.cached_share)}</td>
                <td class="num">{usd(row.prompt_cache_saved_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

function Tile({ label, value, testid }: { label: string; value: string; testid?: string }) {
  return (
    <div class="tile" data-testid={testid}>
      <span>{label}</span>
      <strong>{value}</strong>
    </div>
  );
}

function Top({ title, groups }: { title: string; groups: SpendGroup[] }) {
  return (
    <article class="top">
      <h2>{title}</h2>
      {groups.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <table>
          <tbody>
            {groups.map((group) => (
              <tr key={group.group}>
                <td>{group.group}</td>
                <td class="num">{usd(group.cost_usd)}</td>
                <td class="num">{count(group.requests)} req</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
