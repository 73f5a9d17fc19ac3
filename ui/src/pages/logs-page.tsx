import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { count, ms, outcomeTone, time, usd } from '../format.ts';
import type { LogRow } from '../types.ts';

const outcomes = [
  'ok',
  'invalid_request',
  'rejected_auth',
  'rejected_model',
  'rejected_budget',
  'rejected_rate',
  'rejected_guardrail',
  'upstream_error',
  'upstream_timeout',
  'client_disconnected',
  'gateway_error',
];

interface Filters {
  key: string;
  team: string;
  model: string;
  provider: string;
  outcome: string;
  since: string;
  until: string;
}

const empty: Filters = { key: '', team: '', model: '', provider: '', outcome: '', since: '', until: '' };

/** The request log, live: rows arrive over server-sent events as requests finish. */
export function LogsPage({ admin }: { admin: boolean }) {
  const [filters, setFilters] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const [rows, setRows] = useState<LogRow[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<string | null>(new URLSearchParams(location.search).get('request'));
  const known = useRef(new Set<string>());
  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    const parameters = {
      ...applied,
      since: applied.since ? new Date(applied.since).toISOString() : '',
      until: applied.until ? new Date(applied.until).toISOString() : '',
    };
    const opened = new Date(Date.now() - 5_000).toISOString();
    api<{ data: LogRow[] }>(`logs${query({ ...parameters, limit: 200 })}`).then(
      ({ data }) => {
        if (closed) return;
        known.current = new Set(data.map((row) => row.request_id));
        setRows(data);
        setError('');
        // A time range that has ended has nothing new to show.
        if (parameters.until) return;
        const newest = data[0]?.started_at;
        const since = parameters.since && (!newest || parameters.since > newest) ? parameters.since : newest && newest < opened ? newest : opened;
        source = new EventSource(`/ui/api/logs/stream${query({ ...parameters, since })}`);
        source.onopen = () => setLive(true);
        source.onerror = () => setLive(false);
        source.addEventListener('row', (event) => {
          const row = JSON.parse((event as MessageEvent<string>).data) as LogRow;
          if (known.current.has(row.request_id)) return;
          known.current.add(row.request_id);
          setRows((current) => [row, ...current].slice(0, 500));
        });
      },
      (failure: Error) => setError(failure.message),
    );
    return () => {
      closed = true;
      source?.close();
      setLive(false);
    };
  }, [applied]);
  const field = (name: keyof Filters, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} name={name} value={filters[name]} onInput={(event) => setFilters({ ...filters, [name]: event.currentTarget.value })} />
    </label>
  );
  return (
    <section>
      <header class="page-header">
        <h1>Live logs</h1>
        <span class={`live ${live ? 'on' : ''}`} data-testid="live">
          {live ? '● live' : '○ not live'}
        </span>
      </header>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(filters);
        }}
      >
        {field('key', 'Key')}
        {field('team', 'Team')}
        {field('model', 'Model')}
        {field('provider', 'Provider')}
        <label>
          Outcome
          <select name="outcome" value={filters.outcome} onChange={(event) => setFilters({ ...filters, outcome: event.currentTarget.value })}>
            <option value="">any</option>
            {outcomes.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </select>
        </label>
        {field('since', 'From', 'datetime-local')}
        {field('until', 'To', 'datetime-local')}
        <button type="submit">Apply</button>
        <button
          type="button"
          class="link"
          onClick={() => {
            setFilters(empty);
            setApplied(empty);
          }}
        >
          Clear
        </button>
      </form>
      {error && <p class="error">{error}</p>}
      <div class="split">
        <table class="logs" data-testid="log-table">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Key</th>
              <th>Team</th>
              <th>Model</th>
              <th>Provider</th>
              <th>Outcome</th>
              <th class="num">Tokens in/out</th>
              <th class="num">Cost</th>
              <th class="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.request_id}
                data-request-id={row.request_id}
                class={`${row.request_id === selected ? 'selected' : ''} ${outcomeTone(row.outcome)}`}
                onClick={() => setSelected(row.request_id)}
              >
                <td>{time(row.started_at)}</td>
                <td>{row.key_name ?? '—'}</td>
                <td>{row.team ?? '—'}</td>
                <td>{row.served_model && row.served_model !== row.model ? `${row.model} → ${row.served_model}` : (row.model ?? '—')}</td>
                <td>{row.provider ?? '—'}</td>
                <td>
                  <span class={`badge ${outcomeTone(row.outcome)}`}>{row.outcome}</span>
                </td>
                <td class="num">
                  {count(row.input_tokens)} / {count(row.output_tokens)}
                </td>
                <td class="num">{usd(row.cost_usd)}</td>
                <td class="num">{ms(row.latency_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {selected && <RequestDetail id={selected} admin={admin} onClose={() => setSelected(null)} />}
      </div>
      {rows.length === 0 && <p>No requests match.</p>}
    </section>
  );
}

/** Everything the log kept about one request. */
function RequestDetail({ id, admin, onClose }: { id: string; admin: boolean; onClose: () => void }) {
  const [row, setRow] = useState<LogRow | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setRow(null);
    api<LogRow>(`logs/${encodeURIComponent(id)}`).then(setRow, (failure: Error) => setError(failure.message));
  }, [id]);
  if (error)
    return (
      <aside class="detail">
        <p class="error">{error}</p>
      </aside>
    );
  if (!row) return <aside class="detail">Loading…</aside>;
  return (
    <aside class="detail" data-testid="request-detail">
      <header>
        <h2>{row.request_id}</h2>
        <button type="button" class="link" onClick={onClose}>
          Close
        </button>
      </header>
      <dl>
        <dt>Outcome</dt>
        <dd>
          <span class={`badge ${outcomeTone(row.outcome)}`}>{row.outcome}</span> HTTP {row.status}
          {row.error_code ? ` · ${row.error_code}` : ''}
        </dd>
        {row.error_message && (
          <>
            <dt>Error</dt>
            <dd class="reason">{row.error_message}</dd>
          </>
        )}
        <dt>Key / team / user</dt>
        <dd>
          {row.key_name ?? '—'} / {row.team ?? '—'} / {row.user ?? '—'}
        </dd>
        <dt>Surface</dt>
        <dd>
          {row.surface} {row.endpoint} {row.stream ? '(stream)' : ''}
        </dd>
        <dt>Model</dt>
        <dd>
          asked {row.model ?? '—'}, served {row.served_model ?? '—'} by {row.provider ?? '—'}
          {row.rule ? ` (rule ${row.rule})` : ''}
          {row.experiment ? ` · experiment ${row.experiment} variant ${row.variant}` : ''}
        </dd>
        <dt>Tokens</dt>
        <dd>
          input {count(row.input_tokens)} (cached {count(row.cached_input_tokens)}, cache write {count(row.cache_write_tokens)}) · output{' '}
          {count(row.output_tokens)} (reasoning {count(row.reasoning_tokens)}){row.usage_estimated ? ' · estimated' : ''}
        </dd>
        <dt>Cost</dt>
        <dd>
          {usd(row.cost_usd)}
          {row.cache === 'hit' ? ` · answered from the cache, saved ${usd(row.cost_saved_usd ?? 0)}` : ''}
          {(row.prompt_cache_saved_usd ?? 0) > 0 ? ` · provider prompt cache saved ${usd(row.prompt_cache_saved_usd)}` : ''}
        </dd>
        <dt>Timings</dt>
        <dd>
          total {ms(row.latency_ms)} · first byte {ms(row.ttfb_ms)}
        </dd>
        {Object.keys(row.attributes).length > 0 && (
          <>
            <dt>Attributes</dt>
            <dd>
              {Object.entries(row.attributes)
                .map(([name, value]) => `${name}=${value}`)
                .join(', ')}
            </dd>
          </>
        )}
        {row.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{row.tags.join(', ')}</dd>
          </>
        )}
      </dl>
      <h3>Attempts and fallbacks</h3>
      <ol class="attempts" data-testid="attempts">
        {row.attempts.map((attempt, index) => (
          <li key={index}>
            {attempt.provider}/{attempt.model}: {attempt.outcome}
            {attempt.status !== null ? ` (HTTP ${attempt.status})` : ''}
            {attempt.error_code ? ` ${attempt.error_code}` : ''} in {ms(attempt.latency_ms)}
          </li>
        ))}
        {row.attempts.length === 0 && <li>No provider was called.</li>}
      </ol>
      <h3>Guardrail verdicts</h3>
      <ul class="verdicts" data-testid="verdicts">
        {row.warnings
          .filter((warning) => warning.startsWith('guardrail_'))
          .map((warning, index) => (
            <li key={index}>{warning.replace(/^guardrail_/, '')}</li>
          ))}
        {!row.warnings.some((warning) => warning.startsWith('guardrail_')) && <li>None fired.</li>}
      </ul>
      <h3>Warnings</h3>
      <ul class="warnings">
        {row.warnings
          .filter((warning) => !warning.startsWith('guardrail_'))
          .map((warning, index) => (
            <li key={index}>{warning}</li>
          ))}
        {row.warnings.every((warning) => warning.startsWith('guardrail_')) && <li>None.</li>}
      </ul>
      <h3>Bodies</h3>
      {!admin ? (
        <p>Bodies are shown to admins only.</p>
      ) : row.request_body || row.response_body ? (
        <>
          <h4>Request (redacted)</h4>
          <pre>{row.request_body ?? '—'}</pre>
          <h4>Response (redacted)</h4>
          <pre>{row.response_body ?? '—'}</pre>
        </>
      ) : (
        <p>Not kept: body logging is off (logging.bodies).</p>
      )}
    </aside>
  );
}
