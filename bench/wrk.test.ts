import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimes, parseWrkOutput, wrkScript } from './wrk.ts';

describe('wrk glue', () => {
  test('reads the Lua summary line (µs to ms) among wrk output', () => {
    const output =
      'Running 1s test @ http://127.0.0.1:1\n  1 threads and 16 connections\nWRK_RESULT {"requests":2500,"duration_us":1250000,"bytes":100,"errors":3,"p50":512,"p99":4096,"mean":700.5,"max":9000}\n';
    const result = parseWrkOutput(output);
    assert.equal(result.requests, 2500);
    assert.equal(result.requestsPerSecond, 2000);
    assert.equal(result.errors, 3);
    assert.deepEqual(result.latencyMs, { p50: 0.512, p99: 4.096, mean: 0.7005, max: 9 });
  });

  test('a run without the summary line is an error, not zeros', () => {
    assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n'), /no result line/);
  });

  test("reads wrk's CPU from the shell's times", () => {
    assert.equal(parseTimes('0m0.000000s 0m0.004000s\n0m1.250000s 0m0.500000s\n'), 1_750_000);
    assert.equal(parseTimes('1m0.5s 0m0.5s'), 61_000_000);
    assert.equal(parseTimes('garbage'), undefined);
  });

  test('the script sends the requests in turn, with their headers and body files', () => {
    const script = wrkScript([
      { path: '/v1/responses', bodyFile: '/tmp/a.json', headers: { authorization: 'Bearer k', 'x-q': 'say "hi"' } },
      { path: '/v1/chat/completions', bodyFile: '/tmp/b.json', headers: {} },
    ]);
    assert.match(
      script,
      /bodies\[1\] = \{ path = "\/v1\/responses", body = slurp\("\/tmp\/a.json"\), headers = \{ \["authorization"\] = "Bearer k", \["x-q"\] = "say \\"hi\\"" \} \}/,
    );
    assert.match(script, /bodies\[2\] = \{ path = "\/v1\/chat\/completions"/);
    assert.match(script, /return requests\[\(counter - 1\) % #requests \+ 1\]/);
  });
});
