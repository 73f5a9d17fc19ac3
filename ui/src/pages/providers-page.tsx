import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { count, ms, time } from '../format.ts';

interface TargetHealth {
  target: string;
  provider: string;
  model: string;
  provider_type: string | null;
  aliases: string[];
  breaker: 'closed' | 'open' | 'half-open';
  open_until: string | null;
  ttfb_ms: number | null;
  attempts_24h: number;
  errors_24h: number;
  p50_latency_ms: number | null;
  p99_latency_ms: number | null;
  recent_errors: Array<{ request_id: string; started_at: string; status: number | null; outcome: string; error_code: string | null }>;
}

interface Rule {
  name: string;
  when: Record<string, unknown>;
  route_to: string;
  hits_24h: number;
}

/** Health per target (breaker, latency, recent errors) and the routing rules with how often each fired. */
export function ProvidersPage() {
  const [data, setData] = useState<{ data: TargetHealth[]; rules: Rule[] } | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => api<{ data: TargetHealth[]; rules: Rule[] }>('providers').then(setData, (failure: Error) => setError(failure.message));
    void load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="loading">Loading…</p>;
  return (
    <section>
      <header class="page-header">
        <h1>Providers</h1>
      </header>
      <table data-testid="target-table">
        <thead>
          <tr>
            <th>Target</th>
            <th>Serves</th>
            <th>Breaker</th>
            <th class="num">TTFB (smoothed)</th>
            <th class="num">Latency p50 / p99 (24 h)</th>
            <th class="num">Attempts / errors (24 h)</th>
            <th>Recent errors</th>
          </tr>
        </thead>
        <tbody>
          {data.data.map((target) => (
            <tr key={target.target} data-target={target.target}>
              <td>
                {target.target}
                {target.provider_type ? <small> ({target.provider_type})</small> : null}
              </td>
              <td>{target.aliases.join(', ')}</td>
              <td>
                <span class={`badge ${target.breaker === 'closed' ? 'ok' : 'error'}`}>{target.breaker}</span>
                {target.open_until ? <small> until {time(target.open_until)}</small> : null}
              </td>
              <td class="num">{ms(target.ttfb_ms)}</td>
              <td class="num">
                {ms(target.p50_latency_ms)} / {ms(target.p99_latency_ms)}
              </td>
              <td class="num">
                {count(target.attempts_24h)} / {count(target.errors_24h)}
              </td>
              <td>
                {target.recent_errors.length === 0
                  ? '—'
                  : target.recent_errors.map((failure) => (
                      <div key={failure.request_id}>
                        {time(failure.started_at)} {failure.outcome}
                        {failure.status !== null ? ` ${failure.status}` : ''} {failure.error_code ?? ''}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Routing rules</h2>
      {data.rules.length === 0 ? (
        <p>No routing rules are configured.</p>
      ) : (
        <table data-testid="rule-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>When</th>
              <th>Routes to</th>
              <th class="num">Fired (24 h)</th>
            </tr>
          </thead>
          <tbody>
            {data.rules.map((rule) => (
              <tr key={rule.name} data-rule={rule.name}>
                <td>{rule.name}</td>
                <td>
                  <code>{JSON.stringify(rule.when)}</code>
                </td>
                <td>{rule.route_to}</td>
                <td class="num">{count(rule.hits_24h)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
