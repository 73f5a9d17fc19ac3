import { log } from '../core/log.ts';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Gateway } from '../pipeline/gateway.ts';
import { responsesSurface } from '../dialects/openai-responses/index.ts';
import { route } from './routes.ts';
import { attachResponsesWebSocket } from './responses-websocket.ts';
import { asGatewayError, sendError } from '../pipeline/client-io.ts';

export function createHttpServer(gateway: Gateway): Server {
  const limits = gateway.config.server;
  // requestTimeout bounds receiving the request only: long streamed answers are not cut by it.
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    (request, response) => {
      route(gateway, request, response).catch((error: unknown) => {
        // Last resort: the same answering path as every other error (logged, nothing revealed).
        const requestId = String(response.getHeader('x-request-id') ?? `req_${randomUUID().replaceAll('-', '').slice(0, 24)}`);
        const failure = asGatewayError(error, requestId);
        if (!response.headersSent) sendError(response, responsesSurface.codec, failure, requestId);
        else response.destroy();
      });
    },
  );
  attachResponsesWebSocket(server, gateway);
  return server;
}
