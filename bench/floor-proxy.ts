/**
 * The floor: the thinnest reasonable proxy, what "a direct call through a minimal proxy" costs.
 * node:http in, an undici keep-alive Pool out; it reads the request body, swaps the client's
 * credential for the upstream key (the one thing every gateway must do), and streams the
 * response back chunk by chunk. No parsing, no logging, no auth check: Switchyard's overhead is
 * measured against this, in the same run, on the same machine.
 *
 * With `parse` (`--parse`) it is the parsing floor of the translated cells: it also parses and
 * re-serializes the request body and every SSE event (or the JSON answer), what any proxy that
 * looks at the content must at least do.
 *
 * The upstream's path prefix replaces the client's `/v1` (`--upstream http://…/v1`); with a bare
 * origin the client's path is forwarded as it is. The key goes in the header the upstream API
 * reads: `x-api-key` for `/v1/messages`, `x-goog-api-key` for Gemini's `/v1beta/`, else bearer.
 *
 * Run alone: `node --import tsx bench/floor-proxy.ts --upstream http://127.0.0.1:N/v1 --api-key K [--parse]`
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { SseDecoder, type SseEvent } from '../src/core/sse-decoder.ts';

export interface FloorProxyOptions {
  /** OpenAI-style base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  upstream: string;
  apiKey: string;
  port?: number;
  /** The parsing floor: parse and re-serialize the request and every event. */
  parse?: boolean;
}

export interface FloorProxy {
  url: string;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the proxy sets itself. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'proxy-authorization',
  'te',
  'upgrade',
]);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'trailer']);

function forwardedHeaders(incoming: IncomingHttpHeaders, apiKey: string, path: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(name)) headers[name] = value;
  }
  if (path.startsWith('/v1/messages')) headers['x-api-key'] = apiKey;
  else if (path.startsWith('/v1beta/')) headers['x-goog-api-key'] = apiKey;
  else headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

/** One SSE event re-serialized from its parsed data (the `[DONE]` sentinel passes as it is). */
function reserialize(event: SseEvent): string {
  const data = event.data === '[DONE]' ? event.data : JSON.stringify(JSON.parse(event.data));
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function forward(request: IncomingMessage, response: ServerResponse, pool: Pool, basePath: string, apiKey: string, parse: boolean): Promise<void> {
  const raw = await readBody(request);
  const body = parse ? JSON.stringify(JSON.parse(raw.toString('utf8'))) : raw;
  const abort = new AbortController();
  // A client that goes away must not leave the upstream request running.
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  const incomingPath = request.url ?? '/';
  const path = basePath === '' ? incomingPath : basePath + (incomingPath.startsWith('/v1/') ? incomingPath.slice(3) : incomingPath);
  const upstream = await pool.request({
    path,
    method: (request.method ?? 'POST') as 'POST',
    headers: forwardedHeaders(request.headers, apiKey, path),
    body,
    signal: abort.signal,
  });
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = value;
  }
  if (parse && !String(upstream.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    const answer = JSON.stringify(JSON.parse(await upstream.body.text()));
    headers['content-length'] = String(Buffer.byteLength(answer));
    response.writeHead(upstream.statusCode, headers);
    response.end(answer);
    return;
  }
  response.writeHead(upstream.statusCode, headers);
  const decoder = parse ? new SseDecoder() : undefined;
  for await (const chunk of upstream.body) {
    const out = decoder
      ? decoder
          .push(chunk as Buffer)
          .map(reserialize)
          .join('')
      : chunk;
    // Backpressure: never buffer more than the socket will take.
    if (out.length > 0 && !response.write(out)) await once(response, 'drain', { signal: abort.signal });
  }
  response.end();
}

export async function startFloorProxy(options: FloorProxyOptions): Promise<FloorProxy> {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/$/, '');
  const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 });
  const server: Server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, (request, response) => {
    forward(request, response, pool, basePath, options.apiKey, options.parse === true).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `floor proxy: ${String(error)}`, type: 'upstream_error', param: null, code: null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

function argument(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstream = argument(process.argv, '--upstream');
  const apiKey = argument(process.argv, '--api-key');
  if (!upstream || !apiKey) {
    process.stderr.write('usage: floor-proxy.ts --upstream http://127.0.0.1:N/v1 --api-key KEY [--port N]\n');
    process.exit(2);
  }
  const parse = process.argv.includes('--parse');
  const proxy = await startFloorProxy({ upstream, apiKey, parse, port: Number(argument(process.argv, '--port') ?? 0) });
  process.stdout.write(`${parse ? 'parsing ' : ''}floor proxy listening on ${proxy.url}\n`);
  process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
}
