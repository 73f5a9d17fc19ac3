// Proves the replay server returns recorded bodies byte-for-byte, in order, with the given
// status, content type and headers, and fails loudly once the recordings run out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startReplayServer } from './replay-server.ts';
import { providerFixtureUrl } from '../support/provider-fixtures.ts';

const sseFixture = providerFixtureUrl('anthropic-messages', 'thinking-signature.sse');
const errorFixture = providerFixtureUrl('openai-responses', 'error-400-invalid-param.json');

test('replays bodies byte-for-byte in order, then answers 500', async () => {
  const server = await startReplayServer([
    { bodyPath: sseFixture, chunkSize: 7 },
    { bodyPath: errorFixture, status: 400, headers: { 'x-request-id': 'req_1' } },
    { bodyPath: sseFixture.pathname, contentType: 'text/plain' },
  ]);
  try {
    const first = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{"a":1}' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'text/event-stream');
    assert.deepEqual(Buffer.from(await first.arrayBuffer()), await readFile(sseFixture));

    const second = await fetch(`${server.url}/anything`);
    assert.equal(second.status, 400);
    assert.equal(second.headers.get('content-type'), 'application/json');
    assert.equal(second.headers.get('x-request-id'), 'req_1');
    assert.equal(await second.text(), await readFile(errorFixture, 'utf8'));

    const third = await fetch(server.url);
    assert.equal(third.headers.get('content-type'), 'text/plain');
    assert.equal((await third.arrayBuffer()).byteLength, (await readFile(sseFixture)).length);

    const exhausted = await fetch(server.url);
    assert.equal(exhausted.status, 500);
    assert.match(await exhausted.text(), /no recorded body left for request #4/);

    assert.equal(server.requests.length, 4);
    assert.equal(server.requests[0]?.url, '/v1/messages');
    assert.deepEqual(server.requests[0]?.body, { a: 1 });
  } finally {
    await server.close();
  }
});

test('a missing fixture path fails at start', async () => {
  await assert.rejects(startReplayServer([{ bodyPath: providerFixtureUrl('openai-responses', 'nope.sse') }]), /ENOENT/);
});
