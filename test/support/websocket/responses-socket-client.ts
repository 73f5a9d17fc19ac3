import { WebSocket } from 'ws';

/** A terminal event of one answer, or the in-band error frame that ends it. */
const terminal = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

export interface Turn {
  events: Array<Record<string, any>>;
  last: Record<string, any>;
}

/**
 * A Responses WebSocket client as Codex drives one: connect, send a `response.create` frame,
 * read one event per frame until the terminal one. Every wait is bounded.
 */
export class ResponsesSocketClient {
  private readonly received: Array<Record<string, any>> = [];
  private waiter: (() => void) | undefined;
  closed: { code: number; reason: string } | undefined;
  bytesSent = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as Record<string, any>);
      this.waiter?.();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.waiter?.();
    });
  }

  /** Opens the socket; rejects with the refusal's status and body when the upgrade is refused. */
  static connect(url: string, headers: Record<string, string>): Promise<ResponsesSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: true, handshakeTimeout: 10_000 });
      socket.once('open', () => resolve(new ResponsesSocketClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
              status: response.statusCode,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: response.headers,
            }),
          ),
        );
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    const text = JSON.stringify(frame);
    this.bytesSent += Buffer.byteLength(text);
    this.socket.send(text);
  }

  /** Sends one frame and collects its answer up to the terminal event. */
  async turn(frame: unknown, timeoutMs = 20_000): Promise<Turn> {
    const from = this.received.length;
    this.send(frame);
    return this.collect(from, timeoutMs);
  }

  /** Waits for the answer whose events start at `from`. */
  async collect(from: number, timeoutMs = 20_000): Promise<Turn> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = this.received.slice(from);
      const end = events.findIndex((event) => terminal.has(String(event.type)));
      if (end >= 0) return { events: events.slice(0, end + 1), last: events[end]! };
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) after ${events.length} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no terminal event within ${timeoutMs} ms (got ${events.map((event) => event.type).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  get count(): number {
    return this.received.length;
  }

  /** Waits until the server closes the socket. */
  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`socket still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }
}
