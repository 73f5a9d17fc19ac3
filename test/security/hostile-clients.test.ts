import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Hostile clients on loopback: slow heads, stalled bodies, floods of one key, absurd nesting.
let emulator: ResponsesEmulator;
let gateway: TestGateway;

before(async () => {
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 5, output: 2 }, delayMs: 400 }), apiKey: 'sk-upstream-hostile' });
  gateway = await startTestGateway(`
server: { headers_timeout_ms: 1000, body_idle_timeout_ms: 500, max_in_flight_per_key: 2 }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-hostile }
models:
  coder: { provider: oai, model: gpt-5.5 }
keys:
  - { name: flood, key: sk-hostile-flood-1 }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

/** Opens a raw socket, writes `first`, then trickles `trickle` every 200 ms; resolves when the server closes it. */
function holdSocket(first: string, trickle?: string): Promise<{ closedAfterMs: number; received: string }> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(first));
    const timer = trickle ? setInterval(() => socket.writable && socket.write(trickle), 200) : undefined;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the socket for 10 s'));
    }, 10_000);
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
    socket.on('error', () => undefined);
  });
}

test('slowloris: a head trickled byte by byte is cut at the headers timeout', async () => {
  const { closedAfterMs } = await holdSocket('POST /v1/responses HTTP/1.1\r\nHost: x\r\n', 'X');
  console.log(`slowloris socket closed after ${closedAfterMs} ms (headers timeout 1000 ms)`);
  assert.ok(closedAfterMs < 3_500, `${closedAfterMs} ms`);
});

test('a body that stalls mid-way gets 408 and the socket closes', async () => {
  const head =
    'POST /v1/responses HTTP/1.1\r\nHost: x\r\nauthorization: Bearer sk-hostile-flood-1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":"coder",';
  const { closedAfterMs, received } = await holdSocket(head);
  console.log(`stalled body: closed after ${closedAfterMs} ms (idle timeout 500 ms), answered ${received.split('\r\n')[0] || 'nothing'}`);
  assert.ok(closedAfterMs < 3_000, `${closedAfterMs} ms`);
});

test('one key flooding past its in-flight cap gets 503 overloaded with Retry-After, others are served', async () => {
  const send = () =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-hostile-flood-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'coder', input: 'hi' }),
    });
  const answers = await Promise.all(Array.from({ length: 8 }, send));
  const statuses = answers.map((answer) => answer.status).sort();
  console.log(`8 concurrent on a cap of 2: ${statuses.join(' ')}`);
  assert.equal(statuses.filter((status) => status === 200).length, 2);
  const refused = answers.filter((answer) => answer.status === 503);
  assert.equal(refused.length, 6);
  for (const answer of refused) {
    assert.equal(answer.headers.get('retry-after'), '1');
    const body = (await answer.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'server_is_overloaded');
  }
  await gateway.gateway.storage.logs.flush();
  const rows = await gateway.gateway.storage.logs.query({ key: 'flood', limit: 50 });
  assert.ok(rows.filter((row) => row.status === 503).length >= 6, 'every refused request has its log row');
});

test('10,000-deep JSON is a 400 naming the limit, answered quickly', async () => {
  const deep = `{"model":"coder","input":"hi","metadata":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  const started = performance.now();
  const answer = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-hostile-flood-1', 'content-type': 'application/json' },
    body: deep,
  });
  const elapsed = performance.now() - started;
  const body = (await answer.json()) as { error: { message: string } };
  console.log(`10,000-deep JSON: HTTP ${answer.status} in ${elapsed.toFixed(1)} ms`);
  assert.equal(answer.status, 400);
  assert.match(body.error.message, /nests more than 10000 levels/);
});
