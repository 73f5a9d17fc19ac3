import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketFrameSink } from './socket-frame-sink.ts';

function collect() {
  const frames: string[] = [];
  const sink = new SocketFrameSink({
    send: (text, done) => {
      frames.push(text);
      done();
    },
  });
  return { frames, sink };
}

const write = (sink: SocketFrameSink, text: string) =>
  new Promise<void>((resolve, reject) => sink.data(Buffer.from(text), (error) => (error ? reject(error) : resolve())));

test('a stream becomes one frame per SSE event, exactly its data, whatever the chunking; comments are dropped', async () => {
  const { frames, sink } = collect();
  sink.head(200, { 'content-type': 'text/event-stream' });
  const events = [
    { type: 'response.created', sequence_number: 0, response: { id: 'resp_1' } },
    { type: 'response.output_text.delta', sequence_number: 1, delta: 'hé llo' },
    { type: 'response.completed', sequence_number: 2, response: { id: 'resp_1', output: [] } },
  ];
  const wire = `${events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(': keepalive\n\n')}`;
  const bytes = Buffer.from(wire);
  // Split inside an event and inside the two-byte é.
  const cut = bytes.indexOf(Buffer.from('é')) + 1;
  await new Promise<void>((resolve) => sink.data(bytes.subarray(0, cut), () => resolve()));
  await new Promise<void>((resolve) => sink.data(bytes.subarray(cut), () => resolve()));
  sink.end();
  assert.deepEqual(
    frames.map((frame) => JSON.parse(frame)),
    events,
  );
  assert.equal(sink.frames, 3);
});

test('an error answer becomes one in-band error frame in the shape Codex maps back to an HTTP error', async () => {
  const { frames, sink } = collect();
  sink.head(429, { 'content-type': 'application/json', 'x-should-retry': 'false', 'x-request-id': 'req_1', 'set-cookie': 'no' });
  await write(sink, '{"error":{"message":"Budget exhausted.","type":"insufficient_quota",');
  await write(sink, '"code":"insufficient_quota","param":null}}');
  sink.end();
  assert.equal(frames.length, 1);
  assert.deepEqual(JSON.parse(frames[0]!), {
    type: 'error',
    status: 429,
    error: { message: 'Budget exhausted.', type: 'insufficient_quota', code: 'insufficient_quota', param: null },
    headers: { 'x-should-retry': 'false', 'x-request-id': 'req_1' },
  });
});

test('an error answer that is not JSON still ends the turn with an error frame', async () => {
  const { frames, sink } = collect();
  sink.head(502, {});
  await write(sink, '<html>bad gateway</html>');
  sink.end();
  const frame = JSON.parse(frames[0]!);
  assert.equal(frame.type, 'error');
  assert.equal(frame.status, 502);
  assert.equal(frame.error.type, 'server_error');
});
