import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rememberParsedJson } from '../../core/parsed-json.ts';
import { tapTerminalResponse } from './terminal-response-tap.ts';

/** Serves one request with `answer`, the tap installed; resolves with what the tap handed over and what the client read. */
async function tapped(answer: (response: ServerResponse) => void, stream = false): Promise<{ seen: Record<string, unknown>[]; body: string }> {
  const seen: Record<string, unknown>[] = [];
  const server = createServer((_request, response) => {
    tapTerminalResponse(response, stream, (finished) => seen.push(finished));
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const body = await new Promise<string>((resolve, reject) => {
      request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    return { seen, body };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const response = { id: 'resp_1', object: 'response', status: 'completed', output: [] };

test('a JSON answer in pieces is parsed once it ends; the client gets the bytes as written', async () => {
  const text = JSON.stringify(response);
  const { seen, body } = await tapped((answer) => {
    answer.writeHead(200, { 'content-type': 'application/json' });
    answer.write(Buffer.from(text.slice(0, 10)));
    answer.end(text.slice(10));
  });
  assert.equal(body, text);
  assert.deepEqual(seen, [response]);
});

test('an answer whose bytes were already parsed hands over that value, not a second parse', async () => {
  const bytes = Buffer.from(JSON.stringify(response));
  const value = { ...response };
  rememberParsedJson(bytes, value);
  const { seen, body } = await tapped((answer) => {
    answer.writeHead(200, { 'content-type': 'application/json' });
    answer.end(bytes);
  });
  assert.equal(body, bytes.toString());
  assert.equal(seen.length, 1);
  assert.equal(seen[0], value, 'the remembered object itself');
});

test('an answer that is not a Response (or not a 200) is not handed over', async () => {
  const { seen } = await tapped((answer) => {
    answer.writeHead(200, { 'content-type': 'application/json' });
    answer.end(JSON.stringify({ object: 'list', data: [] }));
  });
  assert.deepEqual(seen, []);
  const failed = await tapped((answer) => {
    answer.writeHead(500, { 'content-type': 'application/json' });
    answer.end(JSON.stringify(response));
  });
  assert.deepEqual(failed.seen, []);
});

test('a stream hands over the response of its terminal event', async () => {
  const completed = `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response })}\n\n`;
  const { seen } = await tapped((answer) => {
    answer.writeHead(200, { 'content-type': 'text/event-stream' });
    answer.write('event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n');
    answer.write(Buffer.from(completed.slice(0, 25)));
    answer.end(Buffer.from(completed.slice(25)));
  }, true);
  assert.deepEqual(seen, [response]);
});
