import { log } from '../core/log.ts';
import { createServer, type Server } from 'node:http';
import type { Gateway } from '../pipeline/gateway.ts';
import { route } from './routes.ts';
import { sendJson } from '../pipeline/client-io.ts';

export function createHttpServer(gateway: Gateway): Server {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (request, response) => {
    route(gateway, request, response).catch((error: unknown) => {
      log.error('unhandled error while routing', error);
      if (!response.headersSent) sendJson(response, 500, { error: { message: 'Internal gateway error.', type: 'server_error', code: null, param: null } });
      else response.destroy();
    });
  });
  // Long agentic streams must not be cut by Node's default header/request timeouts.
  server.headersTimeout = 60_000;
  return server;
}
