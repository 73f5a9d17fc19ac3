/**
 * A tiny scripted stand-in for OpenAI's `POST /v1/responses` (SSE), on 127.0.0.1 and a free
 * port. It exists to prove the Codex harness (run-codex.ts) on its own; the strict upstream
 * emulators live in test/fakes/. Every request on any path is recorded (headers and parsed
 * body) so a test can assert what Codex really sent. Replies are taken from the script in
 * order, one per `POST /v1/responses`; anything else is a 404 in OpenAI's error shape.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildResponseEvents, encodeResponseEvent, type EchoedRequest, type ScriptedOutputItem, type ScriptedUsage } from './scripted-response-events.ts';

export type ScriptedReply =
  | { kind?: 'stream'; output: ScriptedOutputItem[]; usage?: ScriptedUsage }
  | { kind: 'http_error'; status: number; body: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer: for timeout tests. */
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/responses`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON, or null when empty. */
  body: any;
}

export type ResponsesScript = ScriptedReply[] | ((request: RecordedRequest, turnIndex: number) => ScriptedReply);

export interface ScriptedResponsesServer {
  /** `http://127.0.0.1:<port>/v1`, ready for a Codex provider `base_url`. */
  baseUrl: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Only the `POST /v1/responses` requests, in order. */
  responsesRequests(): RecordedRequest[];
  close(): Promise<void>;
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Answered when the script has no reply left: `invalid_prompt` is fatal in Codex (no retry). */
function scriptExhausted(turnIndex: number): ScriptedReply {
  return {
    kind: 'http_error',
    status: 400,
    body: {
      error: {
        message: `scripted server: no reply scripted for request #${turnIndex + 1}`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_prompt',
      },
    },
  };
}

export async function startScriptedResponsesServer(script: ResponsesScript): Promise<ScriptedResponsesServer> {
  const requests: RecordedRequest[] = [];
  let turnIndex = 0;
  const nextReply = (request: RecordedRequest): ScriptedReply => {
    const index = turnIndex++;
    if (typeof script === 'function') return script(request, index);
    return script[index] ?? scriptExhausted(index);
  };

  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: parseBody(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(recorded);
      if (recorded.method !== 'POST' || recorded.url.split('?')[0] !== '/v1/responses') {
        sendJson(response, 404, {
          error: { message: `scripted server: no route for ${recorded.method} ${recorded.url}`, type: 'invalid_request_error', param: null, code: null },
        });
        return;
      }
      const index = turnIndex;
      const reply = nextReply(recorded);
      if (reply.kind === 'hang') return;
      if (reply.kind === 'http_error') {
        sendJson(response, reply.status, reply.body, reply.headers);
        return;
      }
      const body = (recorded.body ?? {}) as EchoedRequest;
      const events = buildResponseEvents({
        responseId: `resp_scripted_${index + 1}`,
        itemIdPrefix: `scripted${index + 1}`,
        request: body,
        output: reply.output,
        ...(reply.usage === undefined ? {} : { usage: reply.usage }),
      });
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      for (const event of events) response.write(encodeResponseEvent(event));
      // Codex only reports the turn complete at EOF: close right after response.completed.
      response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    responsesRequests: () => requests.filter((request) => request.method === 'POST' && request.url.split('?')[0] === '/v1/responses'),
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging replies keep sockets open: drop them or close() never returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
