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
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    // An event still arriving: append without rescanning what is buffered (linear, not quadratic).
    if (this.buffer.length > 0 && text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
      this.buffer += text;
      return events;
    }
    // The carried-over buffer holds no terminator, so scanning the joined text from 0 is exact.
    const data = this.buffer.length > 0 ? this.buffer + text : text;
    let start = 0;
    // Native indexOf finds terminators; positions are cached so each byte is scanned once.
    let nextLf = data.indexOf('\n');
    let nextCr = data.indexOf('\r');
    while (nextLf !== -1 || nextCr !== -1) {
      let end: number;
      let next: number;
      if (nextCr === -1 || (nextLf !== -1 && nextLf < nextCr)) {
        end = nextLf;
        next = nextLf + 1;
      } else {
        end = nextCr;
        if (nextCr + 1 < data.length) {
          next = data.charCodeAt(nextCr + 1) === 10 ? nextCr + 2 : nextCr + 1;
        } else {
          this.pendingCr = true;
          next = nextCr + 1;
        }
      }
      const event = this.processLine(data.slice(start, end));
      if (event) events.push(event);
      start = next;
      if (nextLf !== -1 && nextLf < start) nextLf = data.indexOf('\n', start);
      if (nextCr !== -1 && nextCr < start) nextCr = data.indexOf('\r', start);
    }
    this.buffer = start === 0 ? data : data.slice(start);
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
