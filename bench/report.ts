/**
 * Turns the measured cells into the numbers we publish: the per-cell table (Markdown, so it can
 * be pasted into docs/performance.md as is) and the headline ratios of Switchyard against the
 * floor proxy measured in the same run.
 */
import type { Distribution } from './distribution.ts';

/** `baseline` is Switchyard from another checkout (`--baseline DIR`): before and after in one run. */
export type Target = 'direct' | 'floor' | 'switchyard' | 'baseline';
export type Mode = 'json' | 'sse';

export interface CellResult {
  target: Target;
  mode: Mode;
  concurrency: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  gaveUp: boolean;
  elapsedMs: number;
  requestsPerSecond: number;
  latencyMs: Distribution;
  /** Time to the first body chunk; the streaming number (for JSON it is nearly the latency). */
  firstChunkMs: Distribution;
  /** This cell's latency minus the direct cell's with the same mode and concurrency. */
  addedLatencyMs: { p50: number; p99: number } | null;
  /** CPU of the proxy process per successful request (null for direct: there is no proxy). */
  proxyCpuMicrosPerRequest: number | null;
  mockCpuMicrosPerRequest: number | null;
  clientCpuMicrosPerRequest: number;
  /** Requests the mock received during the cell (warm-up included), to prove nothing short-circuited. */
  upstreamRequests: number | null;
}

export interface Headline {
  mode: Mode;
  concurrency: number;
  /** Switchyard req/s ÷ floor req/s. */
  throughputRatio: number;
  throughputTarget: number;
  throughputOk: boolean;
  /** Switchyard p50 time to first chunk − floor's (SSE only). */
  ttfbP50DeltaMs: number | null;
  ttfbTargetMs: number;
  ttfbOk: boolean | null;
  /** Switchyard proxy CPU per request ÷ floor's. */
  cpuRatio: number | null;
}

export const THROUGHPUT_TARGET = 0.85;
export const TTFB_TARGET_MS = 0.5;

function find(cells: CellResult[], target: Target, mode: Mode, concurrency: number): CellResult | undefined {
  return cells.find((cell) => cell.target === target && cell.mode === mode && cell.concurrency === concurrency);
}

/** Fills `addedLatencyMs` from the direct cell of the same mode and concurrency. */
export function addDirectDeltas(cells: CellResult[]): void {
  for (const cell of cells) {
    const direct = find(cells, 'direct', cell.mode, cell.concurrency);
    cell.addedLatencyMs =
      cell.target === 'direct' || !direct || direct.requests === 0 || cell.requests === 0
        ? null
        : { p50: cell.latencyMs.p50 - direct.latencyMs.p50, p99: cell.latencyMs.p99 - direct.latencyMs.p99 };
  }
}

export function headlines(cells: CellResult[]): Headline[] {
  const result: Headline[] = [];
  for (const gateway of cells.filter((cell) => cell.target === 'switchyard')) {
    const floor = find(cells, 'floor', gateway.mode, gateway.concurrency);
    if (!floor || floor.requestsPerSecond === 0) continue;
    const throughputRatio = gateway.requestsPerSecond / floor.requestsPerSecond;
    const ttfbP50DeltaMs = gateway.mode === 'sse' && gateway.requests > 0 ? gateway.firstChunkMs.p50 - floor.firstChunkMs.p50 : null;
    result.push({
      mode: gateway.mode,
      concurrency: gateway.concurrency,
      throughputRatio,
      throughputTarget: THROUGHPUT_TARGET,
      throughputOk: throughputRatio >= THROUGHPUT_TARGET,
      ttfbP50DeltaMs,
      ttfbTargetMs: TTFB_TARGET_MS,
      ttfbOk: ttfbP50DeltaMs === null ? null : ttfbP50DeltaMs <= TTFB_TARGET_MS,
      cpuRatio:
        gateway.proxyCpuMicrosPerRequest !== null && floor.proxyCpuMicrosPerRequest ? gateway.proxyCpuMicrosPerRequest / floor.proxyCpuMicrosPerRequest : null,
    });
  }
  return result;
}

/** Switchyard ÷ baseline per cell: > 1 throughput and < 1 CPU mean the change made it faster. */
export function baselineTable(cells: CellResult[]): string | undefined {
  const rows = cells.filter((cell) => cell.target === 'switchyard');
  const pairs = rows
    .map((gateway) => [gateway, find(cells, 'baseline', gateway.mode, gateway.concurrency)] as const)
    .filter(([, baseline]) => baseline && baseline.requestsPerSecond > 0);
  if (pairs.length === 0) return undefined;
  const lines = ['| mode | C | switchyard ÷ baseline req/s | switchyard − baseline p50 ms | switchyard ÷ baseline CPU/req |', '|---|--:|--:|--:|--:|'];
  for (const [gateway, baseline] of pairs) {
    const cpu =
      gateway.proxyCpuMicrosPerRequest !== null && baseline!.proxyCpuMicrosPerRequest
        ? gateway.proxyCpuMicrosPerRequest / baseline!.proxyCpuMicrosPerRequest
        : null;
    lines.push(
      `| ${gateway.mode} | ${gateway.concurrency} | ${fixed(gateway.requestsPerSecond / baseline!.requestsPerSecond, 2)} | ${signed(gateway.latencyMs.p50 - baseline!.latencyMs.p50, 3)} | ${fixed(cpu, 2)} |`,
    );
  }
  return lines.join('\n');
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

function signed(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return (value >= 0 ? '+' : '') + value.toFixed(digits);
}

export function cellTable(cells: CellResult[]): string {
  const lines = [
    '| target | mode | C | req/s | p50 ms | p99 ms | +p50 vs direct | +p99 vs direct | TTFB p50 ms | TTFB p99 ms | proxy CPU µs/req | errors |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const cell of cells) {
    const ttfb = cell.mode === 'sse';
    lines.push(
      `| ${cell.target} | ${cell.mode} | ${cell.concurrency} | ${fixed(cell.requestsPerSecond, 0)} | ` +
        `${fixed(cell.latencyMs.p50, 2)} | ${fixed(cell.latencyMs.p99, 2)} | ` +
        `${signed(cell.addedLatencyMs?.p50, 2)} | ${signed(cell.addedLatencyMs?.p99, 2)} | ` +
        `${ttfb ? fixed(cell.firstChunkMs.p50, 2) : '–'} | ${ttfb ? fixed(cell.firstChunkMs.p99, 2) : '–'} | ` +
        `${fixed(cell.proxyCpuMicrosPerRequest, 0)} | ${cell.errors} |`,
    );
  }
  return lines.join('\n');
}

export function headlineTable(rows: Headline[]): string {
  const lines = [
    `| mode | C | switchyard ÷ floor req/s (≥ ${THROUGHPUT_TARGET}) | switchyard − floor TTFB p50 ms (≤ ${TTFB_TARGET_MS}) | switchyard ÷ floor CPU/req |`,
    '|---|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const ttfb = row.ttfbP50DeltaMs === null ? '–' : `${signed(row.ttfbP50DeltaMs, 3)} ${row.ttfbOk ? 'ok' : 'MISS'}`;
    lines.push(
      `| ${row.mode} | ${row.concurrency} | ${fixed(row.throughputRatio, 2)} ${row.throughputOk ? 'ok' : 'MISS'} | ${ttfb} | ${fixed(row.cpuRatio, 2)} |`,
    );
  }
  return lines.join('\n');
}
