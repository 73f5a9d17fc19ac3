import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// An upstream that thinks in silence for 600 ms between two events: the client must see
// keep-alive comments in the gap, and only between whole events.
let upstream: Server;
let gateway: TestGateway;

const event = (type: string, body: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
const response = { id: 'resp_heartbeat', object: 'response', status: 'in_progress', model: 'gpt-5.5', output: [] };

before(async () => {
  upstream = createServer((request, reply) => {
    request.resume();
    reply.writeHead(200, { 'content-type': 'text/event-stream' });
    reply.write(event('response.created', { sequence_number: 0, response }));
    // Half an event, a pause, then the rest: no comment may land inside it.
    const completed = event('response.completed', {
      sequence_number: 1,
      response: { ...response, status: 'completed', usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } },
    });
    setTimeout(() => reply.write(completed.slice(0, 20)), 600);
    setTimeout(() => reply.end(completed.slice(20)), 1_000);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  gateway = await startTestGateway(`
server: { sse_heartbeat_ms: 100 }
providers:
  oai: { type: openai, base_url: "http://127.0.0.1:${port}/v1", api_key: sk-upstream-heartbeat }
models:
  coder: { provider: oai, model: gpt-5.5 }
`);
});

after(async () => {
  await gateway.close();
  await new Promise((resolve) => upstream.close(resolve));
});

test('an idle stream gets `: keepalive` comments between events, never inside one', async () => {
  const answer = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'coder', input: 'hi', stream: true }),
  });
  const text = await answer.text();
  const comments = text.split(': keepalive\n\n').length - 1;
  console.log(`${comments} keep-alive comments in a 600 ms silence (interval 100 ms)`);
  assert.ok(comments >= 3, text);
  const events = text.split(/\n\n/).filter((block) => block.trim() && !block.startsWith(':'));
  assert.deepEqual(
    events.map((block) => /^event: (\S+)/.exec(block)?.[1]),
    ['response.created', 'response.completed'],
    'both events arrive whole',
  );
  for (const block of events) JSON.parse(block.split('\ndata: ')[1]!);
});
