import { parseArgs } from 'node:util';
import { adminGet, adminOptionsHelp, adminTarget, processIo, type AdminCliIo } from './admin-api-client.ts';

export const budgetsUsage = `Usage: switchyard budgets [--json]

Prints every budget of a running gateway with its window, use against the cap, warn line and
reset time, fullest first (the same rows as the dashboard's spend page and GET /admin/budgets).
  --json               the API answer as JSON
${adminOptionsHelp}
`;

interface BudgetRow {
  scope: string;
  subject: string;
  window: string;
  mode: string;
  spent_usd: number;
  limit_usd: number;
  used_ratio: number | null;
  warn_at: number;
  resets_at: string | null;
  status: string;
}

/** `switchyard budgets`: a thin client of `/admin/budgets`. Throws with a message fit to print. */
export async function runBudgets(argv: string[], io: AdminCliIo = processIo()): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, url: { type: 'string' }, 'master-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return void io.stdout.write(budgetsUsage);
  const body = (await adminGet(adminTarget(values, io.env), '/admin/budgets', {})) as { data: BudgetRow[] };
  if (values.json) return void io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  if (body.data.length === 0) return void io.stdout.write('No budgets are configured.\n');
  io.stdout.write(formatBudgetTable(body.data));
}

export function formatBudgetTable(rows: BudgetRow[]): string {
  const header = ['BUDGET', 'WINDOW', 'MODE', 'SPENT (USD)', 'CAP (USD)', 'USED', 'WARN AT', 'RESETS', 'STATUS'];
  const percent = (ratio: number | null) => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`);
  const lines = [
    header,
    ...rows.map((row) => [
      row.scope === 'org' ? 'org' : `${row.scope} ${row.subject}`,
      row.window,
      row.mode,
      row.spent_usd.toFixed(4),
      row.limit_usd.toFixed(2),
      percent(row.used_ratio),
      percent(row.warn_at),
      row.resets_at ?? 'never',
      row.status,
    ]),
  ];
  const numeric = new Set([3, 4, 5, 6]);
  const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return `${lines
    .map((line) =>
      line
        .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
