// Pure formatting helpers (unit-tested in format.test.ts).

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0)}%`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2026-11-10 12:00:05` in UTC (the log's own clock). */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** How long until an instant, in words ("in 3 d 4 h"); `never` for null. */
export function until(iso: string | null, now = Date.now()): string {
  if (iso === null) return 'never (total budget)';
  const left = Date.parse(iso) - now;
  if (left <= 0) return 'now';
  const minutes = Math.floor(left / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `in ${days} d ${hours} h`;
  if (hours > 0) return `in ${hours} h ${minutes % 60} min`;
  return `in ${Math.max(1, minutes)} min`;
}

/** A budget's scope and subject as a person reads it. */
export function budgetName(scope: string, subject: string): string {
  if (scope === 'org') return 'whole organisation';
  return `${scope} ${subject}`;
}

/** Splits `a, b ,c` into trimmed non-empty entries. */
export function list(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Outcomes that are the caller's or the policy's doing, not a provider fault. */
export function outcomeTone(outcome: string): 'ok' | 'warn' | 'error' {
  if (outcome === 'ok') return 'ok';
  if (outcome.startsWith('rejected_') || outcome === 'invalid_request' || outcome === 'client_disconnected') return 'warn';
  return 'error';
}
