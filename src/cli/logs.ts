import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { LogRowView } from '../observability/log-row-view.ts';
import { AdminUnreachableError, adminGet, adminOptionsHelp, adminTarget, formatUsd, processIo, type AdminCliIo, type AdminTarget } from './admin-api-client.ts';

export const logsUsage = `Usage: switchyard logs [--follow] [--key K] [--model M] [--outcome O] [--limit N] [--json]

Prints the request log of a running gateway, oldest first, one line per request:
time, key, model→served model, outcome, status, tokens, cost, latency.
  -f, --follow         keep printing new requests (every second) until Ctrl-C
  --key K              only this key name
  --model M            requested or served model
  --outcome O          ok, invalid_request, rejected_*, upstream_error, upstream_timeout, …
  --limit N            how many recent requests to show first (default 50, at most 1000)
  --json               one JSON object per line instead
${adminOptionsHelp}
`;

/**
 * How far back each `--follow` poll looks. A row is written when its request ends but is
 * ordered by when it started, so a long stream shows up after shorter, newer requests; looking
 * back (and deduplicating by request id) prints it anyway, as long as it ran for less than this.
 */
const followLookbackMs = 10 * 60 * 1000;

/** `switchyard logs`: a thin client of `/admin/logs`. Throws with a message fit to print. */
export async function runLogs(argv: string[], io: AdminCliIo = processIo()): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      follow: { type: 'boolean', short: 'f' },
      key: { type: 'string' },
      model: { type: 'string' },
      outcome: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      'master-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void io.stdout.write(logsUsage);
  const target = adminTarget(values, io.env);
  const filters = { key: values.key, model: values.model, outcome: values.outcome };
  const print = (rows: LogRowView[]) => {
    for (const row of rows) io.stdout.write(values.json ? `${JSON.stringify(row)}\n` : `${formatLogLine(row)}\n`);
  };
  const first = await fetchLogs(target, { ...filters, limit: values.limit ?? '50' });
  print(first);
  if (!values.follow) {
    if (first.length === 0) io.stderr.write('No matching requests.\n');
    return;
  }
  await follow(target, filters, first, print, io);
}

async function follow(
  target: AdminTarget,
  filters: Record<string, string | undefined>,
  first: LogRowView[],
  print: (rows: LogRowView[]) => void,
  io: AdminCliIo,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (io.signal) io.signal.addEventListener('abort', onSignal, { once: true });
  else process.once('SIGINT', onSignal);
  // request id → started_at, for the rows a poll can still return.
  const seen = new Map(first.map((row) => [row.request_id, row.started_at]));
  let newest = first.reduce((latest, row) => (row.started_at > latest ? row.started_at : latest), '');
  let unreachable = false;
  try {
    while (!stop.signal.aborted && !io.signal?.aborted) {
      try {
        await sleep(io.pollIntervalMs ?? 1000, undefined, { signal: stop.signal });
      } catch {
        break;
      }
      const since = newest ? new Date(Date.parse(newest) - followLookbackMs).toISOString() : undefined;
      let rows: LogRowView[];
      try {
        rows = await fetchLogs(target, { ...filters, since, limit: '1000' });
      } catch (error) {
        if (!(error instanceof AdminUnreachableError)) throw error;
        if (!unreachable) io.stderr.write(`switchyard logs: ${error.message}; retrying…\n`);
        unreachable = true;
        continue;
      }
      unreachable = false;
      const fresh = rows.filter((row) => !seen.has(row.request_id));
      for (const row of fresh) {
        seen.set(row.request_id, row.started_at);
        if (row.started_at > newest) newest = row.started_at;
      }
      print(fresh);
      forgetOlderThan(seen, new Date(Date.parse(newest) - followLookbackMs).toISOString());
    }
  } finally {
    if (io.signal) io.signal.removeEventListener('abort', onSignal);
    else process.removeListener('SIGINT', onSignal);
  }
}

/** Rows before the lookback can no longer be returned, so the dedupe set stays bounded. */
function forgetOlderThan(seen: Map<string, string>, cutoff: string): void {
  for (const [id, startedAt] of seen) if (startedAt < cutoff) seen.delete(id);
}

/** The rows matching the filters, oldest first (the API answers newest first). */
async function fetchLogs(target: AdminTarget, query: Record<string, string | undefined>): Promise<LogRowView[]> {
  const body = (await adminGet(target, '/admin/logs', query)) as { data: LogRowView[] };
  return [...body.data].sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
}

/** One line per request: `2025-06-01 12:00:00Z  alice  smart→claude-opus-4-1  ok 200  in 1200 (800 cached) out 300  $0.0123  1535ms`. */
export function formatLogLine(row: LogRowView): string {
  const time = row.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const requested = row.model ?? '-';
  const models = row.served_model && row.served_model !== row.model ? `${requested}→${row.served_model}` : requested;
  const cached = row.cached_input_tokens > 0 ? ` (${row.cached_input_tokens} cached)` : '';
  const estimated = row.usage_estimated ? ' ~est' : '';
  const tokens = `in ${row.input_tokens}${cached} out ${row.output_tokens}${estimated}`;
  const error = row.error_code ? `  ${row.error_code}` : '';
  // A response-cache hit cost nothing; say what it saved (decision 0012).
  const cache = row.cache === 'hit' ? `  cache hit (saved ${formatUsd(row.cost_saved_usd ?? 0)})` : '';
  return (
    [
      time,
      (row.key_name ?? '-').padEnd(10),
      models.padEnd(30),
      `${row.outcome} ${row.status}`.padEnd(20),
      tokens.padEnd(28),
      formatUsd(row.cost_usd).padStart(9),
      `${Math.round(row.latency_ms)}ms`.padStart(7),
    ].join('  ') +
    error +
    cache
  );
}
