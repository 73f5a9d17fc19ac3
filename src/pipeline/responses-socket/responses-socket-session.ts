import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import { log } from '../../core/log.ts';
import { GatewayError, invalidRequest } from '../../core/errors.ts';
import { responsesSurface } from '../../dialects/openai-responses/index.ts';
import { readCredential } from '../../policy/read-credential.ts';
import { asGatewayError } from '../client-io.ts';
import { RequestBody } from '../../core/request-body.ts';
import type { Gateway } from '../gateway.ts';
import { handleModelRequest } from '../handle-model-request.ts';
import { ExchangeResponse } from '../exchange/exchange-response.ts';
import { syntheticRequest } from '../exchange/synthetic-request.ts';
import { ConversationMemory } from '../responses-state/conversation-memory.ts';
import { continuationHooks } from '../responses-state/continuation-hooks.ts';
import { inputItems } from '../responses-state/responses-continuation.ts';
import { errorFrame, SocketFrameSink } from './socket-frame-sink.ts';

/**
 * Frames to the client go uncompressed even when permessage-deflate is on: deflating every
 * event cost more gateway CPU and latency than the bytes it saved (bench/websocket-loop.ts).
 * The client's own frames, which carry the conversation, stay compressed as it sends them.
 */
const uncompressed = { compress: false } as const;

/** Frames that may wait while one is answered (each may be as large as a request body). */
const maxQueuedFrames = 8;

/** What the session is doing: waiting for a frame, or answering one (frames that arrive meanwhile queue). */
type SessionState = { kind: 'idle' } | { kind: 'answering'; exchange: ExchangeResponse } | { kind: 'closed' };

/**
 * One Responses WebSocket connection (Codex `supports_websockets = true`). Each text frame is a
 * `response.create` request answered in turn through the same pipe as `POST /v1/responses`
 * (auth, budgets, rate limits, guardrails, routing, one log row per frame), with the
 * connection's own conversation memory expanding `previous_response_id`. `generate: false`
 * answers a warm-up lifecycle without a provider call; `response.processed` is an
 * acknowledgement with no answer. No frame for the idle timeout closes the connection.
 */
export class ResponsesSocketSession {
  private state: SessionState = { kind: 'idle' };
  private readonly queue: Buffer[] = [];
  private readonly memory = new ConversationMemory();
  private idleTimer: NodeJS.Timeout | undefined;
  private pumping = false;

  constructor(
    private readonly gateway: Gateway,
    private readonly socket: WebSocket,
    private readonly upgrade: IncomingMessage,
    private readonly url: URL,
    private readonly onClosed: () => void,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.closed());
    socket.on('error', (error) => log.debug(`responses websocket: ${error.message}`));
    this.armIdle();
  }

  /** Closes the connection (shutdown): a frame being answered is cut like a client disconnect. */
  close(code: number, reason: string): void {
    if (this.state.kind === 'closed') return;
    this.socket.close(code, reason);
  }

  /** Read through a method: the state changes while a frame is answered. */
  private isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.state.kind === 'closed') return;
    if (isBinary) {
      this.sendError(invalidRequest('Binary frames are not accepted: send each request as one JSON text frame.'));
      return;
    }
    // Codex sends one frame and waits for its answer; a client that floods frames is cut off.
    if (this.queue.length >= maxQueuedFrames) {
      this.socket.close(1008, `more than ${maxQueuedFrames} frames waiting for an answer`);
      return;
    }
    this.queue.push(rawBytes(data));
    clearTimeout(this.idleTimer);
    void this.pump();
  }

  /** One loop at a time answers the queue in order (a frame arriving mid-answer waits its turn). */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let text = this.queue.shift();
      while (text !== undefined) {
        await this.answer(text).catch((error: unknown) => this.sendError(asGatewayError(error, 'websocket')));
        if (this.isClosed()) return;
        text = this.queue.shift();
      }
    } finally {
      this.pumping = false;
    }
    this.armIdle();
  }

  private async answer(bytes: Buffer): Promise<void> {
    // Parsed as a request body is (the nesting-depth limit included).
    const frame = new RequestBody(bytes).fields();
    if (frame.type === 'response.processed') return;
    if (frame.type !== 'response.create') {
      throw invalidRequest(`Unsupported frame type ${JSON.stringify(frame.type)}: send {"type":"response.create", …}.`, 'type');
    }
    const { type: _type, generate, ...request } = frame;
    if (generate === false) return this.warmUp(request);
    // The socket carries one event per frame: the answer is always a stream.
    request.stream = true;
    const sink = new SocketFrameSink({ send: (payload, done) => this.socket.send(payload, uncompressed, done) });
    const exchange = new ExchangeResponse(sink);
    this.state = { kind: 'answering', exchange };
    try {
      // The frame's bytes go in as the body (its size counts against the limit); the parse is handed over.
      await handleModelRequest(
        this.gateway,
        responsesSurface,
        syntheticRequest(frameHeaders(this.upgrade.headers, request.client_metadata), bytes, this.url.pathname),
        exchange.asServerResponse(),
        this.url,
        continuationHooks(this.gateway, this.memory, request),
      );
    } finally {
      if (this.state.kind === 'answering') this.state = { kind: 'idle' };
    }
  }

  /**
   * `generate: false`: the key is checked, the items are remembered for the next frame, and a
   * `response.created` / `response.completed` pair with no output answers; no provider, no bill.
   */
  private async warmUp(request: Record<string, unknown>): Promise<void> {
    await this.gateway.current.keys.authenticate(readCredential(this.upgrade.headers, this.url.searchParams));
    if (typeof request.model !== 'string' || request.model === '') throw invalidRequest('`model` is required and must be a non-empty string.', 'model');
    const previous = typeof request.previous_response_id === 'string' ? request.previous_response_id : null;
    const id = `resp_${randomUUID().replaceAll('-', '')}`;
    const createdAt = Math.floor(Date.now() / 1000);
    const base = { id, object: 'response', created_at: createdAt, model: request.model, output: [], error: null, incomplete_details: null };
    const completed = {
      ...base,
      status: 'completed',
      usage: { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 },
    };
    // A warm-up's items open the conversation the next frame continues (after an earlier one's, if it names one).
    const before = previous === null ? [] : this.memory.history(previous);
    if (!before) {
      throw new GatewayError({
        code: 'caller_invalid_request',
        status: 404,
        message: `Previous response with id '${previous}' not found on this connection.`,
        param: 'previous_response_id',
        providerCode: 'previous_response_not_found',
      });
    }
    this.memory.remember(id, [...before, ...inputItems(request.input)]);
    this.socket.send(JSON.stringify({ type: 'response.created', sequence_number: 0, response: { ...base, status: 'in_progress' } }), uncompressed);
    this.socket.send(JSON.stringify({ type: 'response.completed', sequence_number: 1, response: completed }), uncompressed);
  }

  private sendError(error: GatewayError): void {
    if (this.state.kind === 'closed') return;
    const encoded = responsesSurface.codec.encodeError(error.toShape());
    this.socket.send(errorFrame(encoded.status, JSON.stringify(encoded.body), encoded.headers), uncompressed);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.gateway.config.responses.websocketIdleTimeoutMs;
    this.idleTimer = setTimeout(() => {
      if (this.state.kind !== 'idle' || this.queue.length > 0) return;
      this.gateway.metrics.countWebSocketRefused('idle');
      this.socket.close(1000, `idle for ${idleMs} ms`);
    }, idleMs);
    this.idleTimer.unref();
  }

  private closed(): void {
    const previous = this.state;
    this.state = { kind: 'closed' };
    clearTimeout(this.idleTimer);
    this.queue.length = 0;
    // Like an HTTP client that hangs up mid-stream: the pipe aborts, bills what was used and logs client_disconnected.
    if (previous.kind === 'answering') previous.exchange.destroy();
    this.onClosed();
  }
}

/**
 * The upgrade's headers with this frame's per-turn ones on top: Codex sends the turn's
 * `x-codex-turn-metadata` (its `request_kind` feeds routing rules), window and session ids in
 * the frame's `client_metadata`, where over HTTP they are headers of each request.
 */
export function frameHeaders(upgrade: IncomingHttpHeaders, metadata: unknown): IncomingHttpHeaders {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return upgrade;
  const headers: IncomingHttpHeaders = { ...upgrade };
  for (const [name, value] of Object.entries(metadata as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    if (name.startsWith('x-codex-') && name !== 'x-codex-ws-stream-request-start-ms') headers[name] = value;
    else if (name === 'session_id' || name === 'thread_id') headers[name.replace('_', '-')] = value;
  }
  return headers;
}

function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
}
