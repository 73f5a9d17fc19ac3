import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from './distribution.ts';
import { addDirectDeltas, baselineTable, cellTable, headlines, type CellResult, type Mode, type Target } from './report.ts';

function cell(target: Target, mode: Mode, requestsPerSecond: number, latencies: number[], firstChunks: number[], cpu: number | null): CellResult {
  return {
    target,
    mode,
    concurrency: 16,
    requests: latencies.length,
    errors: 0,
    errorSamples: [],
    gaveUp: false,
    elapsedMs: 5_000,
    requestsPerSecond,
    latencyMs: summarize(latencies),
    firstChunkMs: summarize(firstChunks),
    addedLatencyMs: null,
    proxyCpuMicrosPerRequest: cpu,
    mockCpuMicrosPerRequest: 50,
    clientCpuMicrosPerRequest: 80,
    upstreamRequests: latencies.length,
  };
}

describe('report', () => {
  const cells = [
    cell('direct', 'sse', 4000, [1, 1, 1], [0.5, 0.5, 0.5], null),
    cell('floor', 'sse', 2000, [2, 2, 2], [1.0, 1.0, 1.0], 200),
    cell('switchyard', 'sse', 1600, [3, 3, 3], [1.8, 1.8, 1.8], 300),
    cell('direct', 'json', 5000, [1, 1], [1, 1], null),
    cell('floor', 'json', 2000, [2, 2], [2, 2], 100),
    cell('switchyard', 'json', 1900, [2.5, 2.5], [2.5, 2.5], 110),
  ];

  test('adds latency deltas against the direct cell of the same mode and concurrency', () => {
    addDirectDeltas(cells);
    assert.equal(cells[0]!.addedLatencyMs, null);
    assert.deepEqual(cells[2]!.addedLatencyMs, { p50: 2, p99: 2 });
    assert.deepEqual(cells[5]!.addedLatencyMs, { p50: 1.5, p99: 1.5 });
  });

  test('compares switchyard with the floor: throughput ratio, TTFB delta for SSE, CPU ratio', () => {
    const [sse, json] = headlines(cells);
    assert.equal(sse!.mode, 'sse');
    assert.equal(sse!.throughputRatio, 0.8);
    assert.equal(sse!.throughputOk, false);
    assert.ok(Math.abs(sse!.ttfbP50DeltaMs! - 0.8) < 1e-9);
    assert.equal(sse!.ttfbOk, false);
    assert.equal(sse!.cpuRatio, 1.5);
    assert.equal(json!.throughputRatio, 0.95);
    assert.equal(json!.throughputOk, true);
    assert.equal(json!.ttfbP50DeltaMs, null);
    assert.equal(json!.ttfbOk, null);
  });

  test('prints one Markdown row per cell', () => {
    const rows = cellTable(cells).split('\n');
    assert.equal(rows.length, 2 + cells.length);
    assert.match(rows[4]!, /^\| switchyard \| sse \| 16 \| 1600 \| 3\.00 \| 3\.00 \| \+2\.00 \| \+2\.00 \| 1\.80 \| 1\.80 \| 300 \| 0 \|$/);
  });

  test('compares switchyard with a baseline checkout measured in the same run', () => {
    assert.equal(baselineTable(cells), undefined, 'no baseline cells, no table');
    const withBaseline = [...cells, cell('baseline', 'sse', 2000, [2, 2, 2], [1, 1, 1], 250)];
    const table = baselineTable(withBaseline)!;
    assert.match(table, /\| sse \| 16 \| 0\.80 \| \+1\.000 \| 1\.20 \|/);
    assert.doesNotMatch(table, /\| json \|/, 'only cells that have a baseline');
  });
});
