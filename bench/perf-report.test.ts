import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baselineTable,
  cellProblems,
  goalRows,
  goalTable,
  lagP99FromMetrics,
  median,
  pairedDifference,
  pairedRatio,
  soakRows,
  type CellRounds,
  type RoundSample,
} from './perf-report.ts';

function sample(requestsPerSecond: number, cpu: number, p50: number, p99: number, extra: Partial<RoundSample> = {}): RoundSample {
  return {
    requestsPerSecond,
    requests: requestsPerSecond,
    errors: 0,
    latencyP50Ms: p50,
    latencyP99Ms: p99,
    proxyCpuMicrosPerRequest: cpu,
    mockCpuMicrosPerRequest: 20,
    generatorCpuMicrosPerRequest: 10,
    upstreamPerRequest: 1,
    ...extra,
  };
}

const passthrough = (concurrency: number, floor: RoundSample[], switchyard: RoundSample[]): CellRounds => ({
  name: `responses sse small C=${concurrency}`,
  group: 'passthrough',
  generator: 'wrk',
  concurrency,
  floor: 'floor',
  subject: 'switchyard',
  rounds: { floor, switchyard },
});

describe('perf report', () => {
  test('median of odd and even samples, NaN ignored', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([Number.NaN, 5]), 5);
    assert.ok(Number.isNaN(median([])));
  });

  test('ratios and differences are taken per round, then the median', () => {
    // Round 2 is a noisy round for both targets: the paired ratio stays 0.9.
    assert.equal(pairedRatio([1000, 500, 1000], [900, 450, 900]), 0.9);
    assert.equal(pairedDifference([1, 5, 1], [1.5, 5.5, 1.25]), 0.5);
  });

  test('a passthrough cell at C=1 has throughput, CPU and added-latency goals', () => {
    const cell = passthrough(
      1,
      [sample(1000, 100, 0.3, 1), sample(1000, 100, 0.3, 1), sample(1000, 100, 0.3, 1)],
      [sample(900, 120, 0.45, 1.5), sample(800, 140, 0.6, 3), sample(900, 125, 0.45, 1.6)],
    );
    const rows = goalRows(cell);
    assert.deepEqual(
      rows.map((row) => [row.measure, row.pass]),
      [
        ['req/s ÷ floor', true],
        ['CPU/req ÷ floor', true],
        ['added latency p50 ms', true],
        ['added latency p99 ms', true],
      ],
    );
    assert.equal(rows[0]!.value, 0.9);
    assert.equal(rows[1]!.value, 1.25);
    assert.ok(Math.abs(rows[2]!.value - 0.15) < 1e-9);
    assert.ok(Math.abs(rows[3]!.value - 0.6) < 1e-9);
  });

  test('a slower gateway fails, and C=16 has no latency goal', () => {
    const rows = goalRows(passthrough(16, [sample(2000, 100, 5, 9)], [sample(1600, 140, 9, 20)]));
    assert.deepEqual(
      rows.map((row) => [row.measure, row.value, row.pass]),
      [
        ['req/s ÷ floor', 0.8, false],
        ['CPU/req ÷ floor', 1.4, false],
      ],
    );
    assert.match(goalTable(rows), /\| responses sse small C=16 \| req\/s ÷ floor \| wrk \| 2000 \| 1600 \| 0\.80 \| ≥ 0\.85 \| FAIL \|/);
  });

  test('TTFB compares first-chunk p50; translated cells divide gateway CPU by the events', () => {
    const ttfb: CellRounds = {
      ...passthrough(1, [sample(30, 200, 30, 31, { firstChunkP50Ms: 1.1 })], [sample(30, 300, 30, 31, { firstChunkP50Ms: 1.25 })]),
      name: 'paced',
      group: 'ttfb',
      generator: 'undici',
    };
    const [row] = goalRows(ttfb);
    assert.equal(row!.generator, 'undici');
    assert.ok(Math.abs(row!.value - 0.15) < 1e-9 && row!.pass);
    const translated: CellRounds = {
      ...passthrough(16, [sample(1000, 300, 1, 2)], [sample(850, 650, 1, 2)]),
      name: 'anthropic',
      group: 'translated',
      floor: 'parsing-floor',
      rounds: { 'parsing-floor': [sample(1000, 300, 1, 2)], switchyard: [sample(850, 650, 1, 2)] },
      eventsPerStream: 65,
    };
    const rows = goalRows(translated);
    assert.equal(rows[0]!.value, 0.85);
    assert.equal(rows[1]!.value, 10);
    assert.deepEqual(
      rows.map((one) => one.pass),
      [true, true],
    );
  });

  test('errors and a mock that saw fewer requests than were answered are problems', () => {
    const cell = passthrough(1, [sample(1000, 100, 1, 1, { errors: 2 })], [sample(1000, 100, 1, 1, { upstreamPerRequest: 0.5 })]);
    assert.deepEqual(cellProblems(cell), [
      'responses sse small C=1: floor had 2 errors',
      'responses sse small C=1: the mock saw 0.50 requests per switchyard answer',
    ]);
  });

  test('soak: RSS band after warm-up, errors, worst lag', () => {
    const base = { minutes: 1, connections: 64, requests: 1000, errors: 0, requestsPerSecond: 100 };
    // The first quarter is warm-up (growth there is allowed).
    const flat = soakRows({ ...base, rssMb: [60, 80, 100, 100, 102, 98, 101, 99], lagP99Ms: [12, 15] });
    assert.deepEqual(
      flat.map((row) => row.pass),
      [true, true, true],
    );
    const growing = soakRows({ ...base, errors: 1, rssMb: [100, 100, 100, 110, 120, 130, 140, 150], lagP99Ms: [12, 25] });
    assert.deepEqual(
      growing.map((row) => row.pass),
      [false, false, false],
    );
  });

  test('reads the event-loop lag p99 from a Prometheus exposition', () => {
    const text =
      '# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile.\n# TYPE nodejs_eventloop_lag_p99_seconds gauge\nnodejs_eventloop_lag_p99_seconds 0.012058623\n';
    // 12.06 ms between ticks of a 10 ms timer: 2.06 ms of lag.
    assert.ok(Math.abs(lagP99FromMetrics(text)! - 2.058623) < 1e-9);
    assert.equal(lagP99FromMetrics('nodejs_eventloop_lag_p99_seconds 0.009\n'), 0);
    assert.equal(lagP99FromMetrics('nodejs_eventloop_lag_p90_seconds 0.1\n'), undefined);
  });

  test('against a baseline: paired ratios per round', () => {
    const cell = passthrough(16, [sample(1000, 100, 1, 1), sample(1000, 100, 1, 1)], [sample(600, 300, 1, 1), sample(300, 600, 1, 1)]);
    cell.rounds['baseline'] = [sample(500, 400, 1, 1), sample(250, 800, 1, 1)];
    assert.match(baselineTable([cell])!, /\| responses sse small C=16 \| wrk \| 1\.20 \| 0\.75 \| 600 → 450 \|/);
    assert.equal(baselineTable([passthrough(1, [], [])]), undefined);
  });
});
