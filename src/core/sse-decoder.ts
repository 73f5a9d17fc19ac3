/**
 * A spec-correct Server-Sent Events decoder (WHATWG HTML §9.2.6) over bytes: CR, LF and CRLF
 * line endings, multi-line `data:`, comments, `data:` with or without a space, and UTF-8
 * sequences split across chunks. No regular expressions over the text.
 */
export interface SseEvent {
  /** The `event:` field, or undefined (the spec's default "message"). */
  event?: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SseDecoder {
  private readonly text = new TextDecoder('utf-8');
  private buffer = '';
  /** A CR ended the last chunk: an LF starting the next one belongs to it. */
  private pendingCr = false;
  private eventName: string | undefined;
  private dataLines: string[] = [];
  private lastId: string | undefined;
  private retry: number | undefined;

  push(chunk: Uint8Array | string): SseEvent[] {
    const piece = typeof chunk === 'string' ? chunk : this.text.decode(chunk, { stream: true });
    return this.consume(piece);
  }

  finish(): SseEvent[] {
    const rest = this.text.decode();
    const events = this.consume(rest);
    // A final line without a terminator still counts as a line, but an event is only
    // dispatched on a blank line: an unterminated event at EOF is discarded, per spec.
    if (this.buffer.length > 0) {
      this.processLine(this.buffer);
      this.buffer = '';
    }
    this.dataLines = [];
    this.eventName = undefined;
    return events;
  }

  private consume(piece: string): SseEvent[] {
    const events: SseEvent[] = [];
    let text = piece;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    let start = 0;
    let data = this.buffer + text;
    const offset = this.buffer.length;
    this.buffer = '';
    let index = Math.max(0, offset);
    // Scan for line terminators from where the previous buffer ended.
    start = 0;
    for (; index < data.length; index++) {
      const code = data.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      const line = data.slice(start, index);
      if (code === 13) {
        if (index + 1 < data.length) {
          if (data.charCodeAt(index + 1) === 10) index++;
        } else {
          this.pendingCr = true;
        }
      }
      start = index + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = data.slice(start);
    data = '';
    return events;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line.length === 0) return this.dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return undefined;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastId = value;
        break;
      case 'retry': {
        const n = Number(value);
        if (value.length > 0 && Number.isInteger(n) && n >= 0) this.retry = n;
        break;
      }
      default:
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.dataLines.length === 0) {
      this.eventName = undefined;
      return undefined;
    }
    const event: SseEvent = { data: this.dataLines.join('\n') };
    if (this.eventName !== undefined && this.eventName.length > 0) event.event = this.eventName;
    if (this.lastId !== undefined) event.id = this.lastId;
    if (this.retry !== undefined) event.retry = this.retry;
    this.dataLines = [];
    this.eventName = undefined;
    return event;
  }
}

/** Frames one SSE event; `event:` is written when given (Responses and Anthropic need it). */
export function encodeSseEvent(data: string, event?: string): string {
  // `data` is JSON from JSON.stringify, which never contains raw newlines.
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
