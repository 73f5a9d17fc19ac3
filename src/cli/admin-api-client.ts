/** Where CLI output goes and what the environment says; tests pass their own. */
export interface AdminCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Stops `--follow`; without one, SIGINT does. */
  signal?: AbortSignal;
  /** Poll period for `--follow` (1 s unless a test shortens it). */
  pollIntervalMs?: number;
}

export const processIo = (): AdminCliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export const adminOptionsHelp = `  --url URL            default $SWITCHYARD_URL or http://127.0.0.1:4141
  --master-key KEY     default $SWITCHYARD_MASTER_KEY (prefer the variable: arguments show in ps)`;

export interface AdminTarget {
  base: string;
  masterKey: string;
}

export function adminTarget(values: { url?: string | undefined; 'master-key'?: string | undefined }, env: NodeJS.ProcessEnv): AdminTarget {
  const base = (values.url ?? env['SWITCHYARD_URL'] ?? 'http://127.0.0.1:4141').replace(/\/+$/, '');
  if (!URL.canParse(base)) throw new Error(`--url: "${base}" is not a URL`);
  const masterKey = values['master-key'] ?? env['SWITCHYARD_MASTER_KEY'];
  if (!masterKey) throw new Error('the admin API needs the master key: set SWITCHYARD_MASTER_KEY (or pass --master-key)');
  return { base, masterKey };
}

/** A failure worth retrying while following (the gateway restarting), as opposed to a refusal. */
export class AdminUnreachableError extends Error {}

/** `GET` an admin path; throws an Error whose message is fit to print (the API's own message on a refusal). */
export async function adminGet(target: AdminTarget, path: string, query: Record<string, string | undefined> = {}): Promise<unknown> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  return adminRequest(target, 'GET', `${path}${search.size > 0 ? `?${search}` : ''}`);
}

/** Any admin call (JSON in and out), with errors fit to print. */
export async function adminRequest(target: AdminTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.masterKey}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${target.base}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED')
      throw new AdminUnreachableError(`no gateway at ${target.base}; start it with \`switchyard start\` (or point --url / SWITCHYARD_URL at it)`);
    if ((error as Error).name === 'TimeoutError') throw new AdminUnreachableError(`the gateway at ${target.base} did not answer within 15 s`);
    throw new AdminUnreachableError(`could not reach ${target.base}: ${cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok && parsed !== undefined) return parsed;
  const message = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
  const detail = typeof message === 'string' ? message : text.slice(0, 200) || 'no body';
  const hint = response.status === 401 ? ' (check SWITCHYARD_MASTER_KEY / --master-key against server.master_key)' : '';
  throw new Error(`${method} ${path.split('?')[0]}: HTTP ${response.status}: ${detail}${hint}`);
}

/** Dollars for people: cents for whole dollars, more digits as amounts shrink (LLM calls cost fractions of a cent). */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  if (Math.abs(amount) >= 1) return `$${amount.toFixed(2)}`;
  if (Math.abs(amount) >= 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(6)}`;
}
