/**
 * A transparent HTTP proxy on 127.0.0.1 that keeps the exact bytes of every request and
 * response passing through. Put one between a client and the gateway and another between the
 * gateway and an emulator, and a passthrough claim ("bytes in = bytes out, only the model and
 * the key change") becomes a byte comparison instead of a list of fields we thought of.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedExchange {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  /** Complete once the exchange is in `exchanges` (it is pushed when the response ended). */
  responseBody: Buffer;
}

export interface RecordingProxy {
  /** Origin of the proxy, e.g. http://127.0.0.1:41234 (no path). */
  url: string;
  exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/** Forwards to `targetOrigin` (scheme://host:port; the request path is kept as is). */
export async function startRecordingProxy(targetOrigin: string): Promise<RecordingProxy> {
  const target = new URL(targetOrigin);
  const exchanges: RecordedExchange[] = [];
  const server = createServer((incoming, outgoing) => {
    const requestChunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => requestChunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(requestChunks);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          const responseChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            responseChunks.push(chunk);
            outgoing.write(chunk);
          });
          answer.on('end', () => {
            exchanges.push({
              method: incoming.method ?? 'GET',
              url: incoming.url ?? '/',
              headers: incoming.headers,
              body,
              status: answer.statusCode ?? 0,
              responseHeaders: answer.headers,
              responseBody: Buffer.concat(responseChunks),
            });
            outgoing.end();
          });
          answer.on('error', () => outgoing.destroy());
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
