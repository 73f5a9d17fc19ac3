import { adminRequest, adminTarget } from './admin-api-client.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where output goes and what the environment says; tests pass their own. */
export interface KeysCliIo {
  stdout: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const keysUsage = `Usage: switchyard keys <create|list|revoke> [options]

  create --name N [--team T] [--user U] [--tag X]... [--model M]... [--alias NAME=MODEL]...
         [--budget-usd 50 [--budget-window day|week|month|total] [--budget-mode hard|soft]]
         [--rpm N] [--tpm N] [--concurrent N] [--expires 2026-01-31T00:00:00Z] [--json]
  list [--json]
  revoke NAME [--json]

Every command talks to a running gateway's admin API:
  --url URL            default $SWITCHYARD_URL or http://127.0.0.1:4141
  --master-key KEY     default $SWITCHYARD_MASTER_KEY (prefer the variable: arguments show in ps)
`;

const common = {
  url: { type: 'string' },
  'master-key': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const createOptions = {
  ...common,
  name: { type: 'string' },
  team: { type: 'string' },
  user: { type: 'string' },
  tag: { type: 'string', multiple: true },
  model: { type: 'string', multiple: true },
  alias: { type: 'string', multiple: true },
  'budget-usd': { type: 'string' },
  'budget-window': { type: 'string' },
  'budget-mode': { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  concurrent: { type: 'string' },
  expires: { type: 'string' },
} satisfies ParseArgsConfig['options'];

/** `switchyard keys create|list|revoke`: a thin client of `/admin/keys`. Throws with a message fit to print. */
export async function runKeys(argv: string[], io: KeysCliIo = { stdout: process.stdout, env: process.env }): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(keysUsage);
    return;
  }
  if (command === 'create') {
    const { values } = parseArgs({ args: rest, options: createOptions, strict: true });
    if (values.help) return void io.stdout.write(keysUsage);
    const created = (await adminCall(values, io, 'POST', '/admin/keys', createBody(values))) as KeyView & { key: string };
    if (values.json) return void io.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
    io.stdout.write(
      `Created key "${created.name}"${created.team ? ` (team ${created.team})` : ''}.\n\n  ${created.key}\n\n` +
        'Copy it now: this secret will not be shown again (only its hash is kept).\n',
    );
    return;
  }
  if (command === 'list') {
    const { values } = parseArgs({ args: rest, options: common, strict: true });
    if (values.help) return void io.stdout.write(keysUsage);
    const listed = (await adminCall(values, io, 'GET', '/admin/keys')) as { data: KeyView[] };
    if (values.json) return void io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    io.stdout.write(listed.data.length === 0 ? 'No keys yet. Create one with `switchyard keys create --name NAME`.\n' : formatTable(listed.data));
    return;
  }
  if (command === 'revoke') {
    const { values, positionals } = parseArgs({ args: rest, options: common, strict: true, allowPositionals: true });
    if (values.help) return void io.stdout.write(keysUsage);
    if (positionals.length !== 1) throw new Error(`keys revoke: give exactly one key name\n\n${keysUsage}`);
    const name = positionals[0]!;
    const revoked = (await adminCall(values, io, 'DELETE', `/admin/keys/${encodeURIComponent(name)}`)) as KeyView;
    if (values.json) return void io.stdout.write(`${JSON.stringify(revoked, null, 2)}\n`);
    io.stdout.write(`Revoked key "${revoked.name}" (at ${revoked.revoked_at}); requests with it are refused from now on.\n`);
    return;
  }
  throw new Error(`keys: unknown command "${command}"\n\n${keysUsage}`);
}

/** What the admin API answers for a key (see src/http/admin/admin-key-view.ts). */
interface KeyView {
  name: string;
  prefix: string | null;
  source: 'api' | 'config';
  status: string;
  team: string | null;
  user: string | null;
  models_allowed: string[] | null;
  budget: { limit_usd: number; window: string; mode: string } | null;
  revoked_at: string | null;
}

function createBody(values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof createOptions; strict: true }>>['values']): Record<string, unknown> {
  if (!values.name) throw new Error('keys create: --name is required (letters, digits and _ . @ -)');
  const body: Record<string, unknown> = { name: values.name };
  if (values.team) body['team'] = values.team;
  if (values.user) body['user'] = values.user;
  if (values.tag?.length) body['tags'] = values.tag;
  if (values.model?.length) body['models_allowed'] = values.model;
  if (values.alias?.length) {
    body['aliases'] = Object.fromEntries(
      values.alias.map((entry) => {
        const equals = entry.indexOf('=');
        if (equals <= 0 || equals === entry.length - 1) throw new Error(`--alias: "${entry}" is not NAME=MODEL`);
        return [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    );
  }
  if (values['budget-usd'] !== undefined) {
    const budget: Record<string, unknown> = { limit_usd: number('--budget-usd', values['budget-usd']) };
    if (values['budget-window']) budget['window'] = values['budget-window'];
    if (values['budget-mode']) budget['mode'] = values['budget-mode'];
    body['budget'] = budget;
  } else if (values['budget-window'] || values['budget-mode']) {
    throw new Error('keys create: --budget-window and --budget-mode need --budget-usd');
  }
  const rateLimit: Record<string, number> = {};
  for (const field of ['rpm', 'tpm', 'concurrent'] as const) {
    if (values[field] !== undefined) rateLimit[field] = number(`--${field}`, values[field]);
  }
  if (Object.keys(rateLimit).length > 0) body['rate_limit'] = rateLimit;
  if (values.expires) body['expires_at'] = values.expires;
  return body;
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${flag}: "${text}" is not a number`);
  return value;
}

async function adminCall(values: { url?: string; 'master-key'?: string }, io: KeysCliIo, method: string, path: string, body?: unknown): Promise<unknown> {
  return adminRequest(adminTarget(values, io.env), method, path, body);
}

function formatTable(keys: KeyView[]): string {
  const header = ['NAME', 'PREFIX', 'TEAM', 'USER', 'MODELS', 'BUDGET', 'STATUS'];
  const rows = keys.map((key) => [
    key.name,
    key.prefix ? `${key.prefix}…` : key.source === 'config' ? '(config)' : '-',
    key.team ?? '-',
    key.user ?? '-',
    key.models_allowed ? key.models_allowed.join(',') : 'all',
    key.budget ? `$${key.budget.limit_usd}/${key.budget.window} ${key.budget.mode}` : '-',
    key.status,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return (
    [header, ...rows]
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
