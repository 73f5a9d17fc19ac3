import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Agent, request } from 'undici';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// A soak over keep-alive connections: listeners added per request must go with the request.
// (A leak shows as MaxListenersExceededWarning after ~10 requests on one socket, and as
// listener counts that grow with the number of requests.)
let responses: ResponsesEmulator;
let anthropic: AnthropicEmulator;
let gateway: TestGateway;
const sockets: Socket[] = [];

before(async () => {
  const reply = () => ({ text: 'ok', usage: { input: 3, output: 1 } });
  responses = await startResponsesEmulator({ respond: reply, apiKey: 'sk-up-soak' });
  anthropic = await startAnthropicEmulator({ respond: reply, apiKey: 'sk-ant-soak' });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${responses.url}", api_key: sk-up-soak }
  ant: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-soak }
models:
  same: { provider: oai, model: gpt-5.5 }
  other: { provider: ant, model: claude-sonnet-4-5 }
keys:
  - { name: soak, key: sk-soak-client-1 }
`);
  gateway.server.on('connection', (socket) => sockets.push(socket));
});

after(async () => {
  await gateway.close();
  await Promise.all([responses.close(), anthropic.close()]);
});

function listenerTotal(): number {
  return sockets
    .filter((socket) => !socket.destroyed)
    .reduce((sum, socket) => sum + socket.eventNames().reduce((count, name) => count + socket.listenerCount(name), 0), 0);
}

test('300 requests over two keep-alive connections (some abandoned mid-stream) leave no listeners behind and raise no MaxListenersExceededWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  const agent = new Agent({ connections: 2, pipelining: 1 });
  const send = async (index: number) => {
    const model = index % 2 === 0 ? 'same' : 'other';
    const stream = index % 3 === 0 || index % 7 === 0;
    if (index % 7 === 0) {
      // A client that goes away after the first bytes of a stream (its connection closes).
      const controller = new AbortController();
      const answer = await request(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-soak-client-1', 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: `soak ${index}`, stream: true }),
        signal: controller.signal,
      });
      for await (const _chunk of answer.body) {
        controller.abort();
        break;
      }
      return;
    }
    const answer = await request(`${gateway.url}/v1/responses`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: 'Bearer sk-soak-client-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model, input: `soak ${index}`, stream }),
    });
    await answer.body.text();
    assert.equal(answer.statusCode, 200);
  };
  try {
    for (let index = 0; index < 20; index++) await send(index);
    const early = listenerTotal();
    for (let index = 20; index < 300; index++) await send(index);
    // Let per-request cleanups that run on the next tick finish.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = listenerTotal();
    console.log(`listeners on ${sockets.length} server sockets: ${early} after 20 requests, ${late} after 300; warnings: ${warnings.length}`);
    assert.ok(late <= early, `listeners grew from ${early} to ${late}`);
    assert.deepEqual(
      warnings.filter((warning) => warning.includes('MaxListeners')),
      [],
    );
  } finally {
    process.off('warning', onWarning);
    await agent.close();
  }
});
