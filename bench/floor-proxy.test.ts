import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { SseDecoder } from '../src/core/sse-decoder.ts';
import { startFloorProxy, type FloorProxy } from './floor-proxy.ts';
import { MOCK_API_KEY, startMockUpstream, type MockUpstream } from './mock-upstream.ts';

const streamBody = readFileSync(new URL('./fixtures/codex-request.json', import.meta.url));
const unaryBody = Buffer.from(streamBody.toString('utf8').replace('"stream":true', '"stream":false'));

describe('floor proxy', () => {
  let mock: MockUpstream;
  let floor: FloorProxy;
  before(async () => {
    mock = await startMockUpstream();
    floor = await startFloorProxy({ upstream: `${mock.url}/v1`, apiKey: MOCK_API_KEY });
  });
  after(async () => {
    await floor.close();
    await mock.close();
  });

  const post = async (origin: string, body: Buffer, key: string) => {
    const response = await request(`${origin}/v1/responses`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
    return { status: response.statusCode, headers: response.headers, bytes: Buffer.from(await response.body.arrayBuffer()) };
  };

  test('forwards the SSE stream byte for byte, with the client key swapped for the upstream key', async () => {
    const unauthorizedBefore = mock.stats.unauthorized;
    const direct = await post(mock.url, streamBody, MOCK_API_KEY);
    const proxied = await post(floor.url, streamBody, 'sk-bench-client');
    assert.equal(proxied.status, 200);
    assert.equal(proxied.headers['content-type'], direct.headers['content-type']);
    assert.ok(proxied.bytes.equals(direct.bytes), 'SSE bytes are unchanged');
    assert.equal(mock.stats.unauthorized, unauthorizedBefore);
  });

  test('forwards a JSON response with its content-length', async () => {
    const direct = await post(mock.url, unaryBody, MOCK_API_KEY);
    const proxied = await post(floor.url, unaryBody, 'sk-bench-client');
    assert.equal(proxied.status, 200);
    assert.equal(proxied.headers['content-length'], String(direct.bytes.length));
    assert.ok(proxied.bytes.equals(direct.bytes));
  });

  test('passes upstream errors through unchanged', async () => {
    const other = await startFloorProxy({ upstream: `${mock.url}/v1`, apiKey: 'sk-wrong' });
    try {
      const proxied = await post(other.url, unaryBody, 'sk-bench-client');
      assert.equal(proxied.status, 401);
      assert.equal((JSON.parse(proxied.bytes.toString()) as { error: { code: string } }).error.code, 'invalid_api_key');
    } finally {
      await other.close();
    }
  });

  test('the parsing floor re-serializes every event and the JSON answer, and keys each API its way', async () => {
    const parsing = await startFloorProxy({ upstream: mock.url, apiKey: MOCK_API_KEY, parse: true });
    try {
      const direct = await post(mock.url, streamBody, MOCK_API_KEY);
      const proxied = await post(parsing.url, streamBody, 'sk-bench-client');
      assert.equal(proxied.status, 200);
      const events = (bytes: Buffer) => {
        const decoder = new SseDecoder();
        return [...decoder.push(bytes), ...decoder.finish()].map((event) => [event.event, JSON.parse(event.data) as unknown]);
      };
      assert.deepEqual(events(proxied.bytes), events(direct.bytes));
      const json = await post(parsing.url, unaryBody, 'sk-bench-client');
      assert.equal(json.headers['content-length'], String(json.bytes.length));
      assert.deepEqual(JSON.parse(json.bytes.toString()), JSON.parse((await post(mock.url, unaryBody, MOCK_API_KEY)).bytes.toString()));
      const claude = await request(`${parsing.url}/v1/messages`, { method: 'POST', body: '{"stream":true}', headers: { 'content-type': 'application/json' } });
      assert.equal(claude.statusCode, 200, 'the key went in x-api-key');
      assert.match(await claude.body.text(), /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
    } finally {
      await parsing.close();
    }
  });
});
