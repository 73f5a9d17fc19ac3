import type { ServerResponse } from 'node:http';

const comment = ': keepalive\n\n';

/**
 * Keeps an idle client stream alive through proxies that cut silent connections (long
 * thinking gaps): a comment line after `intervalMs` without a write. Only at an event boundary,
 * so a comment never lands inside an event the upstream split across chunks. Comments are
 * valid SSE in every dialect and clients ignore them.
 */
export class SseHeartbeat {
  private lastWrite = Date.now();
  private atBoundary = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly response: ServerResponse,
    private readonly intervalMs: number,
  ) {
    this.timer = setInterval(() => this.beat(), Math.max(10, Math.floor(intervalMs / 2)));
    this.timer.unref();
  }

  /** Called with every chunk written to the client. */
  wrote(chunk: Uint8Array | string): void {
    this.lastWrite = Date.now();
    const text = typeof chunk === 'string' ? chunk.slice(-4) : Buffer.from(chunk.subarray(Math.max(0, chunk.length - 4))).toString('latin1');
    this.atBoundary = text.endsWith('\n\n') || text.endsWith('\r\n\r\n');
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    if (!this.atBoundary || Date.now() - this.lastWrite < this.intervalMs) return;
    const response = this.response;
    if (response.destroyed || response.writableEnded || response.writableNeedDrain) return;
    response.write(comment);
    this.lastWrite = Date.now();
  }
}
