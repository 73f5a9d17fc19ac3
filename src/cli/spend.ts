import { parseArgs } from 'node:util';
import type { SpendRowView } from '../observability/log-row-view.ts';
import { adminGet, adminOptionsHelp, adminTarget, processIo, type AdminCliIo } from './admin-api-client.ts';

export const spendUsage = `Usage: switchyard spend [--by key|team|model|day|<attribute>] [--since ISO] [--json]

Prints spend per group from a running gateway, costliest first (by day: in date order).
  --by G               key (default), team, model, day; also user, provider (and tag with the spend ledger),
                       or an attribute of attribution.headers (e.g. repo, developer)
  --since ISO          from this date or instant (e.g. 2025-06-01 or 2025-06-01T12:00:00Z)
  --until ISO          up to (not including) this date or instant
  --json               the API answer as JSON
${adminOptionsHelp}
`;

/** `switchyard spend`: a thin client of `/admin/spend`. Throws with a message fit to print. */
export async function runSpend(argv: string[], io: AdminCliIo = processIo()): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      by: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      'master-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void io.stdout.write(spendUsage);
  const target = adminTarget(values, io.env);
  const groupBy = values.by ?? 'key';
  const body = (await adminGet(target, '/admin/spend', { group_by: groupBy, since: values.since, until: values.until })) as {
    data: SpendRowView[];
    source?: string;
  };
  if (values.json) return void io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  const range = [values.since ? ` since ${values.since}` : '', values.until ? ` until ${values.until}` : ''].join('');
  const source = body.source === 'request_log' ? ' (from the request log)' : body.source === 'ledger' ? ' (from the spend ledger)' : '';
  io.stdout.write(`Spend by ${groupBy}${range}${source}\n`);
  if (body.data.length === 0) return void io.stdout.write('No spend recorded.\n');
  io.stdout.write(formatSpendTable(groupBy, body.data));
}

/** Left-aligned group, right-aligned numbers with aligned decimal points (4 places; --json is exact), and a TOTAL line. */
export function formatSpendTable(groupBy: string, rows: SpendRowView[]): string {
  const count = new Intl.NumberFormat('en-US');
  const usd = (amount: number) => amount.toFixed(4);
  const total = rows.reduce(
    (sum, row) => ({
      cost: sum.cost + row.cost_usd,
      requests: sum.requests + row.requests,
      input: sum.input + row.input_tokens,
      output: sum.output + row.output_tokens,
    }),
    { cost: 0, requests: 0, input: 0, output: 0 },
  );
  const header = [groupBy.toUpperCase(), 'COST (USD)', 'REQUESTS', 'INPUT TOKENS', 'OUTPUT TOKENS'];
  const lines = [
    header,
    ...rows.map((row) => [row.group, usd(row.cost_usd), count.format(row.requests), count.format(row.input_tokens), count.format(row.output_tokens)]),
    ['TOTAL', usd(total.cost), count.format(total.requests), count.format(total.input), count.format(total.output)],
  ];
  const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return (
    lines.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n') + '\n'
  );
}
