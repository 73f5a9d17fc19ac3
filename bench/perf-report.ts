/**
 * Turns the interleaved rounds of `npm run bench` into the table (#21): per cell, the
 * median over rounds of each target's numbers, the median of the per-round ratios against the
 * floor measured in the same round, the goal and PASS/FAIL, and which load generator made the
 * number. Pure functions over the measured rounds, so the arithmetic is unit-tested
 * (bench/perf-report.test.ts) and the timings are not.
 */

export type Generator = 'wrk' | 'undici';

/** One measured run of one target in one round. */
export interface RoundSample {
  requestsPerSecond: number;
  requests: number;
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Time to first chunk (undici loader only). */
  firstChunkP50Ms?: number;
  /** CPU µs per request of the proxy under test (all its threads), from /proc. */
  proxyCpuMicrosPerRequest: number;
  mockCpuMicrosPerRequest: number;
  generatorCpuMicrosPerRequest: number | undefined;
  /** Requests the mock received ÷ requests answered (≈ 1: nothing short-circuited). */
  upstreamPerRequest: number | undefined;
}

export interface CellRounds {
  /** e.g. "responses sse C=16 codex". */
  name: string;
  group: 'passthrough' | 'translated' | 'ttfb';
  generator: Generator;
  concurrency: number;
  /** The floor target of this cell ('floor' or 'parsing-floor') and the target compared with it. */
  floor: string;
  subject: string;
  /** Per target, one sample per round, in round order. */
  rounds: Record<string, RoundSample[]>;
  /** SSE events per upstream stream (translated cells: CPU per event). */
  eventsPerStream?: number;
}

export interface GoalRow {
  cell: string;
  measure: string;
  generator: Generator;
  floorValue: number;
  subjectValue: number;
  /** The compared figure (a ratio or a difference). */
  value: number;
  goal: string;
  pass: boolean;
}

export const GOALS = {
  passthroughThroughput: 0.85,
  passthroughCpu: 1.3,
  addedP50Ms: 0.2,
  addedP99Ms: 1,
  ttfbP50Ms: 0.2,
  translatedThroughput: 0.8,
  translatedCpuPerEventMicros: 10,
  soakRssBand: 0.1,
  soakLagP99Ms: 20,
} as const;

export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median over rounds of subject ÷ floor, each round's pair measured back to back. */
export function pairedRatio(floor: number[], subject: number[]): number {
  return median(subject.map((value, index) => value / (floor[index] ?? Number.NaN)));
}

/** Median over rounds of subject − floor. */
export function pairedDifference(floor: number[], subject: number[]): number {
  return median(subject.map((value, index) => value - (floor[index] ?? Number.NaN)));
}

const pick = (samples: RoundSample[], key: keyof RoundSample): number[] => samples.map((sample) => Number(sample[key] ?? Number.NaN));

/** The goal rows of one cell. */
export function goalRows(cell: CellRounds): GoalRow[] {
  const floor = cell.rounds[cell.floor] ?? [];
  const subject = cell.rounds[cell.subject] ?? [];
  const row = (measure: string, key: keyof RoundSample, kind: 'ratio' | 'difference', goal: string, pass: (value: number) => boolean): GoalRow => {
    const value = kind === 'ratio' ? pairedRatio(pick(floor, key), pick(subject, key)) : pairedDifference(pick(floor, key), pick(subject, key));
    return {
      cell: cell.name,
      measure,
      generator: cell.generator,
      floorValue: median(pick(floor, key)),
      subjectValue: median(pick(subject, key)),
      value,
      goal,
      pass: Number.isFinite(value) && pass(value),
    };
  };
  if (cell.group === 'ttfb') {
    return [row('TTFB p50 ms (paced upstream)', 'firstChunkP50Ms', 'difference', `≤ +${GOALS.ttfbP50Ms}`, (value) => value <= GOALS.ttfbP50Ms)];
  }
  if (cell.group === 'translated') {
    const rows = [
      row('req/s ÷ parsing floor', 'requestsPerSecond', 'ratio', `≥ ${GOALS.translatedThroughput}`, (value) => value >= GOALS.translatedThroughput),
    ];
    const events = cell.eventsPerStream ?? Number.NaN;
    const perEvent = median(pick(subject, 'proxyCpuMicrosPerRequest')) / events;
    rows.push({
      cell: cell.name,
      measure: `gateway CPU µs/event (${events} events)`,
      generator: cell.generator,
      floorValue: median(pick(floor, 'proxyCpuMicrosPerRequest')) / events,
      subjectValue: perEvent,
      value: perEvent,
      goal: `≤ ${GOALS.translatedCpuPerEventMicros}`,
      pass: Number.isFinite(perEvent) && perEvent <= GOALS.translatedCpuPerEventMicros,
    });
    return rows;
  }
  const rows = [
    row('req/s ÷ floor', 'requestsPerSecond', 'ratio', `≥ ${GOALS.passthroughThroughput}`, (value) => value >= GOALS.passthroughThroughput),
    row('CPU/req ÷ floor', 'proxyCpuMicrosPerRequest', 'ratio', `≤ ${GOALS.passthroughCpu}`, (value) => value <= GOALS.passthroughCpu),
  ];
  if (cell.concurrency === 1) {
    rows.push(
      row('added latency p50 ms', 'latencyP50Ms', 'difference', `≤ +${GOALS.addedP50Ms}`, (value) => value <= GOALS.addedP50Ms),
      row('added latency p99 ms', 'latencyP99Ms', 'difference', `≤ +${GOALS.addedP99Ms}`, (value) => value <= GOALS.addedP99Ms),
    );
  }
  return rows;
}

/** Errors anywhere in a cell, and a mock that saw fewer requests than were answered. */
export function cellProblems(cell: CellRounds): string[] {
  const problems: string[] = [];
  for (const [target, samples] of Object.entries(cell.rounds)) {
    const errors = samples.reduce((total, sample) => total + sample.errors, 0);
    if (errors > 0) problems.push(`${cell.name}: ${target} had ${errors} errors`);
    const upstream = median(pick(samples, 'upstreamPerRequest'));
    if (upstream < 0.95) problems.push(`${cell.name}: the mock saw ${upstream.toFixed(2)} requests per ${target} answer`);
  }
  return problems;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function signed(value: number, digits: number): string {
  return Number.isFinite(value) ? (value >= 0 ? '+' : '') + value.toFixed(digits) : '–';
}

/** Per cell and target: the medians over rounds (Markdown). */
export function cellTable(cells: CellRounds[]): string {
  const lines = [
    '| cell | gen | target | req/s | p50 ms | p99 ms | TTFB p50 ms | proxy CPU µs/req | mock CPU µs/req | gen CPU µs/req | errors |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const cell of cells) {
    for (const [target, samples] of Object.entries(cell.rounds)) {
      lines.push(
        `| ${cell.name} | ${cell.generator} | ${target} | ${fixed(median(pick(samples, 'requestsPerSecond')), 0)} | ${fixed(median(pick(samples, 'latencyP50Ms')), 2)} | ` +
          `${fixed(median(pick(samples, 'latencyP99Ms')), 2)} | ${fixed(median(pick(samples, 'firstChunkP50Ms')), 2)} | ${fixed(median(pick(samples, 'proxyCpuMicrosPerRequest')), 0)} | ` +
          `${fixed(median(pick(samples, 'mockCpuMicrosPerRequest')), 0)} | ${fixed(median(pick(samples, 'generatorCpuMicrosPerRequest')), 0)} | ${samples.reduce((total, sample) => total + sample.errors, 0)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Every goal row: the floor's and the gateway's medians, the paired figure, the goal, PASS/FAIL. */
export function goalTable(rows: GoalRow[]): string {
  const lines = ['| cell | measure | gen | floor | switchyard | figure | goal | result |', '|---|---|---|--:|--:|--:|--:|---|'];
  for (const row of rows) {
    const difference = row.goal.startsWith('≤ +');
    const digits = row.measure.startsWith('req/s') || row.measure.startsWith('CPU/req') ? 0 : 2;
    lines.push(
      `| ${row.cell} | ${row.measure} | ${row.generator} | ${fixed(row.floorValue, digits)} | ${fixed(row.subjectValue, digits)} | ` +
        `${difference ? signed(row.value, 3) : fixed(row.value, 2)} | ${row.goal} | ${row.pass ? 'PASS' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

export interface SoakSamples {
  minutes: number;
  connections: number;
  /** Resident set size in MB, one sample every few seconds, in time order. */
  rssMb: number[];
  /** Event-loop lag p99 in ms per /metrics scrape (prom-client resets it at each scrape). */
  lagP99Ms: number[];
  requests: number;
  errors: number;
  requestsPerSecond: number;
}

/** RSS after warm-up (the first quarter of the samples dropped) stays within ±band of its median. */
export function soakRows(soak: SoakSamples): GoalRow[] {
  const settled = soak.rssMb.slice(Math.floor(soak.rssMb.length / 4));
  const middle = median(settled);
  const spread = settled.length > 0 ? Math.max(...settled.map((value) => Math.abs(value / middle - 1))) : Number.NaN;
  const lag = soak.lagP99Ms.length > 0 ? Math.max(...soak.lagP99Ms) : Number.NaN;
  const name = `soak ${soak.minutes} min C=${soak.connections} mixed`;
  const base = { cell: name, generator: 'wrk' as const, floorValue: Number.NaN };
  return [
    {
      ...base,
      measure: `RSS max deviation from median after warm-up (median ${fixed(middle, 1)} MB)`,
      subjectValue: spread,
      value: spread,
      goal: `≤ ${GOALS.soakRssBand}`,
      pass: Number.isFinite(spread) && spread <= GOALS.soakRssBand,
    },
    {
      ...base,
      measure: `errors (of ${soak.requests} requests, ${fixed(soak.requestsPerSecond, 0)} req/s)`,
      subjectValue: soak.errors,
      value: soak.errors,
      goal: '≤ 0',
      pass: soak.errors === 0 && soak.requests > 0,
    },
    {
      ...base,
      measure: 'event-loop lag p99 ms (worst scrape)',
      subjectValue: lag,
      value: lag,
      goal: `≤ ${GOALS.soakLagP99Ms}`,
      pass: Number.isFinite(lag) && lag < GOALS.soakLagP99Ms,
    },
  ];
}

/**
 * prom-client samples the loop with `monitorEventLoopDelay({ resolution: 10 })`, whose histogram
 * records the time between timer ticks: an idle loop reads ~10 ms. The lag is what exceeds it.
 */
export const LAG_MONITOR_RESOLUTION_MS = 10;

/** The event-loop lag p99 in ms: `nodejs_eventloop_lag_p99_seconds` minus the monitor's resolution. */
export function lagP99FromMetrics(text: string): number | undefined {
  const match = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(text);
  return match ? Math.max(0, Number(match[1]) * 1_000 - LAG_MONITOR_RESOLUTION_MS) : undefined;
}

/** With `--baseline`: switchyard ÷ baseline per cell, paired by round (> 1 req/s and < 1 CPU: faster). */
export function baselineTable(cells: CellRounds[]): string | undefined {
  const rows = cells.filter((cell) => cell.rounds['baseline'] && cell.rounds[cell.subject]);
  if (rows.length === 0) return undefined;
  const lines = ['| cell | gen | req/s ÷ baseline | CPU/req ÷ baseline | baseline → switchyard CPU µs/req |', '|---|---|--:|--:|--:|'];
  for (const cell of rows) {
    const baseline = cell.rounds['baseline']!;
    const subject = cell.rounds[cell.subject]!;
    lines.push(
      `| ${cell.name} | ${cell.generator} | ${fixed(pairedRatio(pick(baseline, 'requestsPerSecond'), pick(subject, 'requestsPerSecond')), 2)} | ` +
        `${fixed(pairedRatio(pick(baseline, 'proxyCpuMicrosPerRequest'), pick(subject, 'proxyCpuMicrosPerRequest')), 2)} | ` +
        `${fixed(median(pick(baseline, 'proxyCpuMicrosPerRequest')), 0)} → ${fixed(median(pick(subject, 'proxyCpuMicrosPerRequest')), 0)} |`,
    );
  }
  return lines.join('\n');
}
