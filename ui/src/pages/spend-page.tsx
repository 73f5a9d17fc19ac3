import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Chart } from '../chart.tsx';
import { budgetName, count, ms, percent, time, until, usd } from '../format.ts';
import type { Budget, Experiment, SpendGroup } from '../types.ts';
import { BudgetBar } from './budget-bar.tsx';

const groupings = ['key', 'team', 'user', 'tag', 'model', 'provider'];
const palette = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];

/** Spend over time by a chosen grouping, the totals per group, and every budget against its cap. */
export function SpendPage({ attributes }: { attributes: string[] }) {
  const [groupBy, setGroupBy] = useState('key');
  const [days, setDays] = useState(7);
  const [totals, setTotals] = useState<SpendGroup[] | null>(null);
  const [daily, setDaily] = useState<Array<{ day: number; groups: SpendGroup[] }>>([]);
  const [budgets, setBudgets] = useState<Budget[] | null>(null);
  const [experiments, setExperiments] = useState<Experiment[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const first = today - (days - 1) * 86_400_000;
    const since = new Date(first).toISOString();
    Promise.all([
      api<{ data: SpendGroup[] }>(`spend${query({ group_by: groupBy, since })}`),
      Promise.all(
        Array.from({ length: days }, (_, index) => first + index * 86_400_000).map((day) =>
          api<{ data: SpendGroup[] }>(
            `spend${query({ group_by: groupBy, since: new Date(day).toISOString(), until: new Date(day + 86_400_000).toISOString() })}`,
          ).then(({ data }) => ({ day, groups: data })),
        ),
      ),
      api<{ data: Budget[] }>('budgets'),
      api<{ data: Experiment[] }>('experiments').catch(() => ({ data: [] as Experiment[] })),
    ]).then(
      ([total, perDay, budgetList, experimentList]) => {
        setTotals([...total.data].sort((a, b) => b.cost_usd - a.cost_usd));
        setDaily(perDay);
        setBudgets(budgetList.data);
        setExperiments(experimentList.data);
        setError('');
      },
      (failure: Error) => setError(failure.message),
    );
  }, [groupBy, days]);
  const top = (totals ?? []).slice(0, palette.length).map((group) => group.group);
  const sum = (totals ?? []).reduce((total, group) => total + group.cost_usd, 0);
  return (
    <section>
      <header class="page-header">
        <h1>Spend & budgets</h1>
        <label>
          Group by{' '}
          <select name="group_by" value={groupBy} onChange={(event) => setGroupBy(event.currentTarget.value)}>
            {[...groupings, ...attributes].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Days{' '}
          <select name="days" value={String(days)} onChange={(event) => setDays(Number(event.currentTarget.value))}>
            {[1, 7, 14, 30].map((value) => (
              <option key={value} value={String(value)}>
                {value}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <p class="error">{error}</p>}
      <p class="total">
        Total over {days} {days === 1 ? 'day' : 'days'}: <strong data-testid="spend-total">{usd(sum)}</strong>
      </p>
      {daily.length > 0 && (
        <Chart
          title={`Spend per day by ${groupBy} (USD)`}
          times={daily.map((entry) => entry.day)}
          format={(value) => usd(value)}
          series={top.map((group, index) => ({
            label: group,
            color: palette[index % palette.length]!,
            values: daily.map((entry) => entry.groups.find((candidate) => candidate.group === group)?.cost_usd ?? 0),
          }))}
        />
      )}
      <table data-testid="spend-table">
        <thead>
          <tr>
            <th>{groupBy}</th>
            <th class="num">Cost</th>
            <th class="num">Requests</th>
            <th class="num">Input tokens</th>
            <th class="num">Output tokens</th>
          </tr>
        </thead>
        <tbody>
          {(totals ?? []).map((group) => (
            <tr key={group.group} data-group={group.group}>
              <td>{group.group}</td>
              <td class="num">{usd(group.cost_usd)}</td>
              <td class="num">{count(group.requests)}</td>
              <td class="num">{count(group.input_tokens)}</td>
              <td class="num">{count(group.output_tokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Budgets</h2>
      {budgets && budgets.length === 0 && <p>No budgets are configured.</p>}
      {budgets && budgets.length > 0 && (
        <table class="budgets" data-testid="budget-table">
          <thead>
            <tr>
              <th>Budget</th>
              <th>Window</th>
              <th>Mode</th>
              <th class="num">Used</th>
              <th class="num">Cap</th>
              <th>Use</th>
              <th class="num">Warn at</th>
              <th>Resets</th>
            </tr>
          </thead>
          <tbody>
            {budgets.map((budget) => (
              <tr key={`${budget.scope}:${budget.subject}:${budget.window}`} class={budget.status} data-budget={`${budget.scope}:${budget.subject}`}>
                <td>{budgetName(budget.scope, budget.subject)}</td>
                <td>
                  {budget.window} from {time(budget.window_start).slice(0, 10)}
                </td>
                <td>{budget.mode}</td>
                <td class="num">{usd(budget.spent_usd)}</td>
                <td class="num">{usd(budget.limit_usd)}</td>
                <td>
                  <BudgetBar budget={budget} /> {percent(budget.used_ratio)}
                </td>
                <td class="num">
                  {percent(budget.warn_at)} ({usd(budget.warn_usd)})
                </td>
                <td>{until(budget.resets_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {experiments.length > 0 && (
        <>
          <h2>Experiments</h2>
          <table data-testid="experiment-table">
            <thead>
              <tr>
                <th>Experiment</th>
                <th>Variant</th>
                <th class="num">Weight</th>
                <th class="num">Requests (share)</th>
                <th class="num">Error rate</th>
                <th class="num">Latency / TTFB</th>
                <th class="num">Cost</th>
                <th>Served</th>
              </tr>
            </thead>
            <tbody>
              {experiments.flatMap((experiment) =>
                experiment.variants.map((variant) => (
                  <tr key={`${experiment.experiment}:${variant.variant}`}>
                    <td>
                      {experiment.experiment}
                      {experiment.configured ? '' : ' (no longer configured)'}
                    </td>
                    <td>{variant.variant}</td>
                    <td class="num">{percent(variant.weight_share)}</td>
                    <td class="num">
                      {count(variant.requests)} ({percent(variant.request_share)})
                    </td>
                    <td class="num">{percent(variant.error_rate)}</td>
                    <td class="num">
                      {ms(variant.avg_latency_ms)} / {ms(variant.avg_ttfb_ms)}
                    </td>
                    <td class="num">{usd(variant.cost_usd)}</td>
                    <td>{variant.served_models.join(', ')}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
