import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';

/**
 * A request the pipe can read like one from the network, for a request that did not come as
 * one HTTP request (a WebSocket frame, the summarization call of a compaction): the headers of
 * the connection it belongs to, the given body and URL.
 */
export function syntheticRequest(headers: IncomingHttpHeaders, body: Buffer, url: string): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = url;
  request.headers = { ...withoutFraming(headers), 'content-type': 'application/json', 'content-length': String(body.length) };
  request.push(body);
  request.push(null);
  return request;
}

/** The connection's own framing and upgrade headers describe that connection, not this body. */
function withoutFraming(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  for (const name of [
    'content-length',
    'transfer-encoding',
    'connection',
    'upgrade',
    'sec-websocket-key',
    'sec-websocket-version',
    'sec-websocket-extensions',
  ]) {
    delete copy[name];
  }
  return copy;
}
