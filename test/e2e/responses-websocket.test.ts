import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { ResponsesSocketClient } from '../support/websocket/responses-socket-client.ts';

const frame = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`../fixtures/codex-websocket/${name}`, import.meta.url), 'utf8'));
const upgradeHeaders = frame('000-upgrade.json').headers as Record<string, string>;
const devKey = 'sk-ws-dev-000001';
const poorKey = 'sk-ws-poor-00001';

let emulator: AnthropicEmulator;
let gateway: TestGateway;
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

before(async () => {
  emulator = await startAnthropicEmulator({ respond: (request) => script(request) });
  gateway = await startTestGateway(`
providers:
  anthro:
    type: anthropic
    base_url: ${emulator.url}
    api_key: sk-ant-upstream-test
models:
  claude-gw: { provider: anthro, model: claude-sonnet-4-5 }
  claude-cheap: { provider: anthro, model: claude-haiku-4-5 }
keys:
  - { name: dev, key: ${devKey} }
  - { name: poor, key: ${poorKey}, budget: { limit_usd: 0.000001, window: month, mode: hard } }
routing:
  retry: { max_attempts: 1 }
  rules:
    - { name: compaction-to-cheap, when: { model: claude-gw, request_kind: compaction }, route_to: claude-cheap }
responses:
  websocket_max_connections: 3
  websocket_idle_timeout_ms: 1500
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const wsUrl = () => `${gateway.url.replace('http', 'ws')}/v1/responses`;
/** Codex's own upgrade headers (authorization replaced), minus what the ws client sets itself. */
const headers = (key: string): Record<string, string> => {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(upgradeHeaders)) {
    if (['host', 'connection', 'upgrade', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-key'].includes(name)) continue;
    copy[name] = value;
  }
  copy.authorization = `Bearer ${key}`;
  return copy;
};
const modelCalls = () => emulator.requests.filter((request) => request.url.startsWith('/v1/messages'));
const toolResult = (request: RecordedRequest) =>
  request.body.messages
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .find((block: { type: string }) => block.type === 'tool_result');

describe('Responses over WebSocket (the real Codex 0.169 frames) on a Claude alias', () => {
  test('an upgrade to another protocol (curl --http2 asks for h2c) is served as a plain request, body and all', async () => {
    const port = Number(new URL(gateway.url).port);
    const exchange = (raw: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(raw));
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.on('error', reject);
        socket.setTimeout(10_000, () => reject(new Error('no answer')));
      });
    const health = await exchange(
      'GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n',
    );
    assert.match(health, /^HTTP\/1\.1 200 /);
    assert.match(health, /"status":"ok"/);
    const body = JSON.stringify({ model: 'no-such-model', input: 'hi' });
    const post = await exchange(
      `POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${devKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n${body}`,
    );
    assert.match(post, /^HTTP\/1\.1 404 /, 'the body was read: the model it names is unknown');
    assert.match(post, /model_not_found/);
  });

  test('a loopback client offering permessage-deflate is answered without it (bytes are free here: decision 0015)', async () => {
    const socket = new WebSocket(wsUrl(), { headers: headers(devKey), perMessageDeflate: true, handshakeTimeout: 10_000 });
    // ws emits 'open' right after 'upgrade', in the same tick: listen for both at once.
    let response: IncomingMessage | undefined;
    socket.once('upgrade', (upgrade) => {
      response = upgrade;
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    assert.ok(response);
    assert.equal(response.headers['sec-websocket-extensions'], undefined);
    assert.equal(socket.extensions, '');
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
  });

  test('an upgrade from a web page (Origin header) is refused with 403, even with a good key', async () => {
    await assert.rejects(
      ResponsesSocketClient.connect(wsUrl(), { ...headers(devKey), origin: 'https://evil.example' }),
      (error: { status: number; body: string }) => {
        assert.equal(error.status, 403);
        assert.equal(JSON.parse(error.body).error.code, 'forbidden');
        return true;
      },
    );
  });

  test('a bad key refuses the upgrade itself with 401 in OpenAI’s shape', async () => {
    await assert.rejects(ResponsesSocketClient.connect(wsUrl(), headers('sk-wrong-key-0000')), (error: { status: number; body: string }) => {
      assert.equal(error.status, 401);
      assert.equal(JSON.parse(error.body).error.code, 'invalid_api_key');
      return true;
    });
  });

  test('warm-up, a turn and a tool-output turn chain previous_response_id; Claude sees the full history', async () => {
    script = (request) =>
      toolResult(request)
        ? { reasoning: { text: 'The listing is empty.' }, text: 'The folder is empty.', usage: { input: 900, output: 20 } }
        : {
            reasoning: { text: 'I should list the files.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: 'ls' } }],
            usage: { input: 800, output: 40 },
          };
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(devKey));
    try {
      const callsBefore = modelCalls().length;
      const warm = await client.turn(frame('001-frame.json'));
      assert.deepEqual(
        warm.events.map((event) => event.type),
        ['response.created', 'response.completed'],
      );
      assert.equal(modelCalls().length, callsBefore, 'the warm-up calls no provider');
      const warmId = warm.last.response.id as string;

      // As Codex sends them with model_reasoning_effort = "high" (the capture ran without an effort).
      const reasoning = { effort: 'high', summary: 'auto' };
      const turn = await client.turn({ ...frame('002-frame.json'), previous_response_id: warmId, reasoning });
      assert.equal(turn.last.type, 'response.completed');
      assert.deepEqual(
        turn.events.map((event) => event.sequence_number),
        turn.events.map((_, index) => index),
        'one stream event per frame, sequence_number from 0',
      );
      const call = turn.last.response.output.find((item: { type: string }) => item.type === 'function_call');
      assert.equal(call.name, 'exec_command');
      const first = modelCalls().at(-1)!.body;
      assert.match(JSON.stringify(first.system), /You are a coding agent running in the Codex CLI/, 'the warm-up’s developer message is in the history');
      assert.equal(first.thinking?.type, 'enabled');

      const output: Record<string, any> = { ...frame('003-frame.json'), previous_response_id: turn.last.response.id, reasoning };
      output.input[0].call_id = call.call_id;
      const done = await client.turn(output);
      assert.equal(done.last.type, 'response.completed');
      const text = done.last.response.output.find((item: { type: string }) => item.type === 'message');
      assert.equal(text.content[0].text, 'The folder is empty.');
      const second = modelCalls().at(-1)!.body;
      const assistant = second.messages.find((message: { role: string }) => message.role === 'assistant');
      // The emulator verifies the signature it issued: the thinking block came back unchanged.
      assert.equal(assistant.content[0].type, 'thinking');
      assert.equal(assistant.content[0].thinking, 'I should list the files.');
      assert.ok(toolResult(modelCalls().at(-1)!));
      assert.equal(modelCalls().length, callsBefore + 2);

      const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
      assert.deepEqual(
        rows.map((row) => [row.outcome, row.endpoint, row.inputTokens]),
        [
          ['ok', '/v1/responses', 900],
          ['ok', '/v1/responses', 800],
        ],
        'one log row per response.create, like HTTP requests',
      );
    } finally {
      client.close();
    }
  });

  test('request-level errors are in-band error frames and the connection carries on', async () => {
    script = () => ({ text: 'still here' });
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(devKey));
    try {
      const unknown = await client.turn({ ...frame('003-frame.json'), previous_response_id: 'resp_unknown' });
      assert.equal(unknown.last.type, 'error');
      assert.equal(unknown.last.status, 404);
      assert.equal(unknown.last.error.code, 'previous_response_not_found');
      const bad = await client.turn({ type: 'response.create', model: 'no-such-model', input: [] });
      assert.equal(bad.last.status, 404);
      assert.equal(bad.last.error.code, 'model_not_found');
      client.send({ type: 'response.processed', response_id: 'resp_x' });
      const ok = await client.turn({
        type: 'response.create',
        model: 'claude-gw',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      });
      assert.equal(ok.last.type, 'response.completed', 'a response.processed frame gets no answer; the next request does');
      assert.equal(ok.events[0]!.type, 'response.created');
    } finally {
      client.close();
    }
  });

  test('each frame carries its own turn headers (client_metadata): a compaction turn follows the routing rule', async () => {
    script = () => ({ text: 'summarized' });
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(devKey));
    try {
      const base = frame('002-frame.json');
      const metadata = JSON.parse(base.client_metadata['x-codex-turn-metadata']);
      const compaction = {
        ...base,
        previous_response_id: undefined,
        client_metadata: { ...base.client_metadata, 'x-codex-turn-metadata': JSON.stringify({ ...metadata, request_kind: 'compaction' }) },
      };
      assert.equal((await client.turn(compaction)).last.type, 'response.completed');
      assert.equal(modelCalls().at(-1)!.body.model, 'claude-haiku-4-5', 'the upgrade said "prewarm"; this frame says "compaction"');
      const row = (await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 }))[0];
      assert.equal(row?.rule, 'compaction-to-cheap');
      assert.equal((await client.turn({ ...base, previous_response_id: undefined })).last.type, 'response.completed');
      assert.equal(modelCalls().at(-1)!.body.model, 'claude-sonnet-4-5', 'a plain turn stays on its alias');
    } finally {
      client.close();
    }
  });

  test('frames sent back to back are answered one after the other, in order (a warm-up first)', async () => {
    let call = 0;
    script = () => ({ text: `answer ${++call}`, delayMs: call === 1 ? 300 : 0 });
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(devKey));
    try {
      const from = client.count;
      const user = (text: string) => [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }];
      client.send({ type: 'response.create', model: 'claude-gw', input: user('warm'), generate: false });
      client.send({ type: 'response.create', model: 'claude-gw', input: user('one') });
      client.send({ type: 'response.create', model: 'claude-gw', input: user('two') });
      const warm = await client.collect(from);
      const first = await client.collect(from + warm.events.length);
      const second = await client.collect(from + warm.events.length + first.events.length);
      assert.deepEqual(
        [warm, first, second].map((turn) => turn.last.type),
        ['response.completed', 'response.completed', 'response.completed'],
      );
      assert.deepEqual(warm.last.response.output, []);
      const text = (turn: { last: Record<string, any> }) => turn.last.response.output.find((item: { type: string }) => item.type === 'message').content[0].text;
      assert.equal(text(first), 'answer 1', 'the slow first answer is not overtaken');
      assert.equal(text(second), 'answer 2');
      for (const turn of [first, second]) assert.ok(turn.events.every((event) => event.response === undefined || event.response.id === turn.last.response.id));
    } finally {
      client.close();
    }
  });

  test('an exhausted budget answers the frame with the quota error Codex does not retry', async () => {
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(poorKey));
    try {
      const calls = modelCalls().length;
      const refused = await client.turn({ ...frame('002-frame.json'), previous_response_id: undefined });
      assert.equal(refused.last.type, 'error');
      assert.equal(refused.last.status, 429);
      assert.equal(refused.last.error.code, 'insufficient_quota');
      assert.equal(refused.last.headers['x-should-retry'], 'false');
      assert.equal(modelCalls().length, calls);
      const rows = await gateway.gateway.storage.logs.query({ key: 'poor', limit: 1 });
      assert.equal(rows[0]?.outcome, 'rejected_budget');
    } finally {
      client.close();
    }
  });

  test('a client that closes mid-answer is logged client_disconnected, like an HTTP disconnect', async () => {
    script = () => ({ text: 'too late', delayMs: 1_000 });
    const client = await ResponsesSocketClient.connect(wsUrl(), headers(devKey));
    const calls = modelCalls().length;
    client.send({ type: 'response.create', model: 'claude-gw', input: [{ type: 'message', role: 'user', content: 'slow' }] });
    const deadline = Date.now() + 10_000;
    while (modelCalls().length === calls) {
      assert.ok(Date.now() < deadline, 'the request reached the provider');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    client.close();
    let row;
    while (Date.now() < deadline) {
      row = (await gateway.gateway.storage.logs.query({ key: 'dev', limit: 1 }))[0];
      if (row?.outcome === 'client_disconnected') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(row?.outcome, 'client_disconnected');
  });

  test('connections are bounded (426 past the limit, so Codex uses HTTP), counted in /metrics, and closed when idle', async () => {
    const waitFor = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        assert.ok(Date.now() < deadline, 'condition within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const gauge = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^switchyard_websocket_connections (\d+)/m.exec(text)?.[1]);
    };
    await waitFor(async () => (await gauge()) === 0);
    const open = await Promise.all([0, 1, 2].map(() => ResponsesSocketClient.connect(wsUrl(), headers(devKey))));
    try {
      assert.equal(await gauge(), 3);
      await assert.rejects(ResponsesSocketClient.connect(wsUrl(), headers(devKey)), (error: { status: number; body: string }) => {
        assert.equal(error.status, 426);
        assert.match(JSON.parse(error.body).error.message, /limit of 3 WebSocket connections/);
        return true;
      });
      // Idle for longer than websocket_idle_timeout_ms: the gateway closes them.
      const closed = await Promise.all(open.map((client) => client.waitClosed()));
      assert.ok(closed.every((close) => close.code === 1000 && /idle/.test(close.reason)));
      await waitFor(async () => (await gauge()) === 0);
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      assert.match(text, /switchyard_websocket_refused_total\{reason="limit"\} 1/);
      assert.match(text, /switchyard_websocket_refused_total\{reason="idle"\} 3/);
    } finally {
      for (const client of open) client.close();
    }
  });

  test('shutdown closes open sockets (1001) once their frames are answered', async () => {
    const own = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: ${emulator.url}, api_key: sk-ant-upstream-test }
models:
  claude-gw: { provider: anthro, model: claude-sonnet-4-5 }
`);
    const client = await ResponsesSocketClient.connect(`${own.url.replace('http', 'ws')}/v1/responses`, {});
    const closing = own.close();
    const closed = await client.waitClosed();
    await closing;
    assert.equal(closed.code, 1001);
  });
});
