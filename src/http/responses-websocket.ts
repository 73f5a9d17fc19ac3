import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { acceptsDeflateFrom } from './accepts-deflate-from.ts';
import { GatewayError, isGatewayError } from '../core/errors.ts';
import { log } from '../core/log.ts';
import { responsesSurface } from '../dialects/openai-responses/index.ts';
import { readCredential } from '../policy/read-credential.ts';
import type { Gateway } from '../pipeline/gateway.ts';
import { ResponsesSocketSession } from '../pipeline/responses-socket/responses-socket-session.ts';

const statusText: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not Found',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
const sessionsByServer = new WeakMap<Server, Set<ResponsesSocketSession>>();

/**
 * The Responses WebSocket: `GET /v1/responses` (and `/responses`) with `Upgrade: websocket`.
 * The upgrade is authenticated like any request; a bad key refuses the upgrade itself with
 * 401 in OpenAI's error shape. At the connection limit the upgrade is refused with 426, the
 * one refusal on which Codex falls back to HTTP for the session instead of retrying.
 */
export function attachResponsesWebSocket(server: Server, gateway: Gateway): void {
  // Codex offers permessage-deflate; its frames repeat the same tool list, which compresses well
  // over a network, and cost only CPU from a loopback peer (accepts-deflate-from.ts).
  // (The session sends its own frames uncompressed: see responses-socket-session.ts.)
  const compressed = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload: gateway.config.server.maxBodyBytes });
  const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: gateway.config.server.maxBodyBytes });
  const sessions = new Set<ResponsesSocketSession>();
  sessionsByServer.set(server, sessions);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (String(request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return replayAsPlainRequest(server, request, socket, head);
    socket.on('error', () => undefined);
    const wss = acceptsDeflateFrom(request.socket.remoteAddress) ? compressed : plain;
    void upgrade(gateway, wss, sessions, request, socket, head).catch((error: unknown) => {
      log.error('responses websocket: upgrade failed', error);
      refuse(socket, new GatewayError({ code: 'gateway_internal', message: 'Internal gateway error during the WebSocket upgrade.' }));
    });
  });
}

/** Closes every Responses WebSocket of this server (shutdown, after in-flight frames were let finish). */
export function closeResponsesWebSockets(server: Server): void {
  for (const session of sessionsByServer.get(server) ?? []) session.close(1001, 'the gateway is shutting down');
}

async function upgrade(
  gateway: Gateway,
  wss: WebSocketServer,
  sessions: Set<ResponsesSocketSession>,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://gateway.local');
  if (request.method !== 'GET' || (url.pathname !== '/v1/responses' && url.pathname !== '/responses')) {
    return refuse(
      socket,
      new GatewayError({ code: 'caller_invalid_request', status: 404, message: `No WebSocket route for ${request.method} ${url.pathname}.` }),
    );
  }
  // Browsers always send Origin on a WebSocket and CLIs never do: a web page must not drive the
  // gateway (and read its answers) from the user's machine, least of all one without keys.
  if (request.headers.origin !== undefined) {
    gateway.metrics.countWebSocketRefused('origin');
    return refuse(
      socket,
      new GatewayError({ code: 'policy_forbidden', message: 'WebSocket upgrades from a web page (with an Origin header) are not accepted.' }),
    );
  }
  try {
    await gateway.current.keys.authenticate(readCredential(request.headers, url.searchParams));
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    gateway.metrics.countWebSocketRefused('auth');
    return refuse(socket, error);
  }
  const limit = gateway.config.responses.websocketMaxConnections;
  if (gateway.webSockets >= limit) {
    gateway.metrics.countWebSocketRefused('limit');
    return refuse(
      socket,
      new GatewayError({
        code: 'gateway_unavailable',
        status: 426,
        message: `The gateway is at its limit of ${limit} WebSocket connections: use HTTP for this session.`,
      }),
    );
  }
  // The slot is taken now (two upgrades at once cannot both pass the limit) and given back when
  // the connection ends, or when ws refuses a malformed handshake (400) and never opens one.
  gateway.webSockets++;
  gateway.metrics.setWebSockets(gateway.webSockets);
  let opened = false;
  const release = () => {
    gateway.webSockets--;
    gateway.metrics.setWebSockets(gateway.webSockets);
  };
  socket.once('close', () => {
    if (!opened) release();
  });
  wss.handleUpgrade(request, socket, head, (ws) => {
    opened = true;
    const session = new ResponsesSocketSession(gateway, ws, request, url, () => {
      sessions.delete(session);
      release();
    });
    sessions.add(session);
  });
}

/**
 * With an `upgrade` listener, Node hands every `Connection: Upgrade` request to it, whatever
 * the protocol (`curl --http2` asks for `h2c` on plain HTTP). Such a request is served as if it
 * had not asked: its head is written back without the upgrade headers, ahead of the bytes
 * already read, and the socket given to the server as a new connection.
 */
function replayAsPlainRequest(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index]!;
    if (['upgrade', 'connection', 'http2-settings'].includes(name.toLowerCase())) continue;
    lines.push(`${name}: ${request.rawHeaders[index + 1]}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}

/** Answers the upgrade request with a plain HTTP error in OpenAI's shape and closes the socket. */
function refuse(socket: Duplex, error: GatewayError): void {
  if (socket.destroyed) return;
  const requestId = `req_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const encoded = responsesSurface.codec.encodeError(error.toShape());
  const body = JSON.stringify(encoded.body);
  const headers = {
    ...encoded.headers,
    'x-request-id': requestId,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  socket.end(`HTTP/1.1 ${encoded.status} ${statusText[encoded.status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}
