/**
 * A fast mock upstream for the benchmarks: `POST /v1/responses` answers a complete Response
 * object (JSON) or a Codex-like SSE stream, chosen by the request's top-level `stream` field;
 * `/v1/chat/completions`, `/v1/messages` (Anthropic) and Gemini's `:generateContent` /
 * `:streamGenerateContent` answer the same text in their dialect (bench/mock-dialect-bodies.ts),
 * each checking its own credential header. A Responses request for the model `bench-paced` is
 * streamed with PACE_MS before each event (the time-to-first-chunk cell). Every body is
 * serialized once at start-up so the mock spends its CPU on sockets, not on JSON, and costs the
 * same whichever client is in front of it.
 *
 * Run alone: `node --import tsx bench/mock-upstream.ts [--port N]` prints its URL.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareDialectBodies, type DialectBodies } from './mock-dialect-bodies.ts';
import { MOCK_MODEL, MOCK_TEXT_DELTAS } from './mock-upstream-text.ts';

export const MOCK_API_KEY = 'sk-upstream';
export { MOCK_MODEL, MOCK_TEXT_DELTAS } from './mock-upstream-text.ts';
/** A request whose model is this is answered slowly (PACE_MS before each event): the TTFB cell's paced upstream. */
export const PACED_MODEL = 'bench-paced';
export const PACE_MS = 1;

export interface MockStats {
  requests: number;
  streamed: number;
  unary: number;
  unauthorized: number;
}

export interface MockUpstream {
  /** Origin, e.g. `http://127.0.0.1:40123` (the OpenAI base URL is this plus `/v1`). */
  url: string;
  stats: MockStats;
  close(): Promise<void>;
}

interface PreparedBodies {
  json: Buffer;
  /** One buffer per SSE event, each written with its own `write()` like a real upstream. */
  sseEvents: Buffer[];
  unauthorized: Buffer;
}

const RESPONSE_ID = 'resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7';
const MESSAGE_ID = 'msg_0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b8';
const CREATED_AT = 1795266901;

/** The Response object as OpenAI returns it; ~1 KB with a realistic Codex-sized usage block. */
function responseObject(status: 'in_progress' | 'completed'): Record<string, unknown> {
  const text = MOCK_TEXT_DELTAS.join('');
  const done = status === 'completed';
  return {
    id: RESPONSE_ID,
    object: 'response',
    created_at: CREATED_AT,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: MOCK_MODEL,
    output: done
      ? [{ id: MESSAGE_ID, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text }] }]
      : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: '01a1fe3e-f26f-73a1-9f42-68e57ad0dc99',
    reasoning: { effort: 'medium', summary: null },
    service_tier: 'default',
    store: false,
    temperature: 1.0,
    text: { format: { type: 'text' }, verbosity: 'low' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1.0,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: 9412,
          input_tokens_details: { cached_tokens: 8064 },
          output_tokens: 187,
          output_tokens_details: { reasoning_tokens: 128 },
          total_tokens: 9599,
        }
      : null,
    user: null,
    metadata: {},
  };
}

function sseEvent(payload: Record<string, unknown>): Buffer {
  return Buffer.from(`event: ${String(payload.type)}\ndata: ${JSON.stringify(payload)}\n\n`);
}

export function prepareBodies(): PreparedBodies {
  const text = MOCK_TEXT_DELTAS.join('');
  const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
  const item = { id: MESSAGE_ID, type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  const where = { item_id: MESSAGE_ID, output_index: 0, content_index: 0 };
  const payloads: Record<string, unknown>[] = [
    { type: 'response.created', response: responseObject('in_progress') },
    { type: 'response.in_progress', response: responseObject('in_progress') },
    { type: 'response.output_item.added', output_index: 0, item },
    { type: 'response.content_part.added', ...where, part },
    ...MOCK_TEXT_DELTAS.map((delta) => ({ type: 'response.output_text.delta', ...where, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...where, text, logprobs: [] },
    { type: 'response.content_part.done', ...where, part: { ...part, text } },
    { type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed', content: [{ ...part, text }] } },
    { type: 'response.completed', response: responseObject('completed') },
  ];
  return {
    json: Buffer.from(JSON.stringify(responseObject('completed'))),
    sseEvents: payloads.map((payload, index) => sseEvent({ ...payload, sequence_number: index })),
    unauthorized: Buffer.from(
      JSON.stringify({
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    ),
  };
}

const STREAM_KEY = Buffer.from('"stream"');

/**
 * Whether the body asks for a stream, without parsing 38 KB of JSON per request: the first
 * `"stream"` key followed by `:` and `true`. Inside JSON strings a quote is escaped, so a bare
 * `"stream"` is a key; the bench request has exactly one, at the top level.
 */
export function wantsStream(body: Buffer): boolean {
  let from = 0;
  for (;;) {
    const at = body.indexOf(STREAM_KEY, from);
    if (at < 0) return false;
    let index = at + STREAM_KEY.length;
    while (index < body.length && (body[index] === 0x20 || body[index] === 0x0a || body[index] === 0x0d || body[index] === 0x09)) index++;
    if (body[index] === 0x3a /* : */) {
      index++;
      while (index < body.length && (body[index] === 0x20 || body[index] === 0x0a || body[index] === 0x0d || body[index] === 0x09)) index++;
      return body[index] === 0x74 /* t */;
    }
    from = at + 1;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const PACED_MARK = Buffer.from(`"${PACED_MODEL}"`);

async function writeStream(response: ServerResponse, events: Buffer[], paced: boolean): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_mock' });
  // Separate writes with no delay: the proxy sees the event framing a real upstream produces,
  // and the mock never waits (its only cost is the syscalls). Paced: PACE_MS before each event.
  for (const event of events) {
    if (paced) await sleep(PACE_MS);
    response.write(event);
  }
  response.end();
}

function writeJson(response: ServerResponse, body: Buffer): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': 'req_mock' });
  response.end(body);
}

type Dialect = 'responses' | 'chat' | 'anthropic' | 'gemini';

/** Which API a path is, and the credential header that API reads. */
function dialectOf(path: string): { dialect: Dialect; stream: boolean | undefined } | undefined {
  if (path === '/v1/responses') return { dialect: 'responses', stream: undefined };
  if (path === '/v1/chat/completions') return { dialect: 'chat', stream: undefined };
  if (path === '/v1/messages') return { dialect: 'anthropic', stream: undefined };
  if (path.startsWith('/v1beta/models/') && path.includes(':streamGenerateContent')) return { dialect: 'gemini', stream: true };
  if (path.startsWith('/v1beta/models/') && path.endsWith(':generateContent')) return { dialect: 'gemini', stream: false };
  return undefined;
}

function authorized(request: IncomingMessage, dialect: Dialect): boolean {
  if (dialect === 'anthropic') return request.headers['x-api-key'] === MOCK_API_KEY;
  if (dialect === 'gemini') return request.headers['x-goog-api-key'] === MOCK_API_KEY;
  return request.headers.authorization === `Bearer ${MOCK_API_KEY}`;
}

async function handle(request: IncomingMessage, response: ServerResponse, bodies: PreparedBodies, dialects: DialectBodies, stats: MockStats): Promise<void> {
  if (request.method === 'GET' && request.url === '/bench/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  const body = await readBody(request);
  const route = request.method === 'POST' ? dialectOf((request.url ?? '').split('?')[0]!) : undefined;
  if (!route) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
    return;
  }
  stats.requests++;
  // The upstream key proves the proxy replaced the client's credential with the provider's.
  if (!authorized(request, route.dialect)) {
    stats.unauthorized++;
    response.writeHead(401, { 'content-type': 'application/json', 'content-length': bodies.unauthorized.length });
    response.end(bodies.unauthorized);
    return;
  }
  const stream = route.stream ?? wantsStream(body);
  if (stream) stats.streamed++;
  else stats.unary++;
  switch (route.dialect) {
    case 'responses':
      if (stream) await writeStream(response, bodies.sseEvents, body.includes(PACED_MARK));
      else writeJson(response, bodies.json);
      return;
    case 'chat':
      if (stream) await writeStream(response, dialects.chatSse, false);
      else writeJson(response, dialects.chatJson);
      return;
    case 'anthropic':
      if (stream) await writeStream(response, dialects.anthropicSse, false);
      else writeJson(response, dialects.anthropicJson);
      return;
    case 'gemini':
      if (stream) await writeStream(response, dialects.geminiSse, false);
      else writeJson(response, dialects.geminiJson);
      return;
  }
}

export async function startMockUpstream(port = 0): Promise<MockUpstream> {
  const bodies = prepareBodies();
  const dialects = prepareDialectBodies();
  const stats: MockStats = { requests: 0, streamed: 0, unary: 0, unauthorized: 0 };
  const server: Server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, (request, response) => {
    handle(request, response, bodies, dialects, stats).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function portArgument(argv: string[]): number {
  const index = argv.indexOf('--port');
  return index >= 0 ? Number(argv[index + 1]) : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mock = await startMockUpstream(portArgument(process.argv));
  process.stdout.write(`mock upstream listening on ${mock.url}\n`);
  process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
}
