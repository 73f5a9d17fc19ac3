// Minimal node:http plumbing shared by the emulators: listen on 127.0.0.1, record requests,
// write JSON / SSE, and close without waiting for idle keep-alive sockets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { RecordedRequest } from './scenario.ts';

export type FakeServer = { origin: string; close(): Promise<void> };

export type FakeHandler = (request: RecordedRequest, response: ServerResponse, rawBody: string) => Promise<void> | void;

export async function startFakeServer(handler: FakeHandler, requests: RecordedRequest[]): Promise<FakeServer> {
  const server = createServer((incoming, response) => {
    void handleIncoming(incoming, response, handler, requests);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleIncoming(incoming: IncomingMessage, response: ServerResponse, handler: FakeHandler, requests: RecordedRequest[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const recorded: RecordedRequest = {
    method: incoming.method ?? 'GET',
    url: incoming.url ?? '/',
    headers: incoming.headers,
    body: parseBody(rawBody),
  };
  requests.push(recorded);
  response.on('close', () => {
    if (!response.writableFinished) recorded.abortedByClient = true;
  });
  try {
    await handler(recorded, response, rawBody);
  } catch (error) {
    // An emulator bug must surface as a loud 500, never as a hung test.
    if (!response.headersSent) {
      writeJson(response, 500, { error: { message: `emulator crashed: ${String(error)}`, type: 'emulator_error' } });
    } else {
      response.destroy();
    }
  }
}

function parseBody(rawBody: string): unknown {
  if (rawBody.length === 0) return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}

export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Writes one SSE frame (`event:` line equals data.type, as both OpenAI and Anthropic do). */
export function writeSseFrame(response: ServerResponse, eventName: string, dataText: string): void {
  response.write(`event: ${eventName}\ndata: ${dataText}\n\n`);
}

/** Writes one data-only SSE frame (Chat Completions, Gemini); `separator` is `\r\n\r\n` for Gemini. */
export function writeSseData(response: ServerResponse, dataText: string, separator = '\n\n'): void {
  response.write(`data: ${dataText}${separator}`);
}

/** Writes an already serialised body (e.g. Google's pretty-printed JSON) with its exact content type. */
export function writeText(response: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

export function openSse(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  for (const byte of bytes) text += base62[byte % base62.length];
  return text;
}

export function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Name of a JSON value's type the way OpenAI error messages phrase it ("an object", "a string"). */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}
