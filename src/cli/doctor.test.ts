import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfigText } from '../config/load-config.ts';
import { checkProvider } from './doctor.ts';

test('doctor tells a working provider from a rejected key, a missing key and an unreachable URL', async () => {
  const server = createServer((request, response) => {
    const ok = request.headers['x-api-key'] === 'good' || request.headers.authorization === 'Bearer good';
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"data":[]}' : '{"error":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const config = parseConfigText(
      `providers:
  fine: { type: anthropic, base_url: "${base}", api_key: good }
  rejected: { type: openai, base_url: "${base}/v1", api_key: bad }
  keyless: { type: anthropic, base_url: "${base}" }
  gone: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: good }`,
      { env: {}, source: 't', cwd: '/tmp' },
    );
    const results = Object.fromEntries(
      await Promise.all(Object.values(config.providers).map(async (provider) => [provider.name, await checkProvider(provider, 2000)])),
    );
    assert.equal(results['fine'].ok, true);
    assert.equal(results['rejected'].ok, false);
    assert.match(results['rejected'].message, /rejected \(HTTP 401\)/);
    assert.equal(results['keyless'].ok, false);
    assert.match(results['keyless'].fix, /ANTHROPIC_API_KEY/);
    assert.equal(results['gone'].ok, false);
    assert.match(results['gone'].message, /cannot reach/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
