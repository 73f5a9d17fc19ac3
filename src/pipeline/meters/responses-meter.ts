import { SseDecoder, encodeSseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import type { Usage } from '../../core/ir/index.ts';
import { readResponsesUsage, responsesFailureCode } from '../../dialects/openai-responses/index.ts';
import type { PassthroughMeter } from './passthrough-meter.ts';

const terminalEvents: Record<string, 'completed' | 'incomplete' | 'failed'> = {
  'response.completed': 'completed',
  'response.incomplete': 'incomplete',
  'response.failed': 'failed',
};

/** Meters a Responses SSE stream: only terminal events are JSON-parsed. */
export class ResponsesMeter implements PassthroughMeter {
  private readonly decoder = new SseDecoder();
  private events = 0;
  private responseId: string | undefined;
  usage: Usage | undefined;
  terminal: 'completed' | 'incomplete' | 'failed' | undefined;
  outputChars = 0;

  constructor(private readonly requestedModel: string) {}

  push(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) this.observe(event.event, event.data);
  }

  finish(): void {
    for (const event of this.decoder.finish()) this.observe(event.event, event.data);
  }

  encodeFailure(error: GatewayErrorShape): string {
    const response = {
      id: this.responseId ?? 'resp_switchyard_failed',
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'failed',
      model: this.requestedModel,
      output: [],
      error: { code: responsesFailureCode(error), message: error.message },
      incomplete_details: null,
      usage: null,
    };
    return encodeSseEvent(JSON.stringify({ type: 'response.failed', sequence_number: this.events, response }), 'response.failed');
  }

  private observe(name: string | undefined, data: string): void {
    this.events++;
    const type = name ?? sniffType(data);
    if (type === undefined) return;
    if (type.endsWith('.delta')) {
      this.outputChars += data.length;
      return;
    }
    if (type === 'response.created' && this.responseId === undefined) {
      this.responseId = /"id"\s*:\s*"([^"]+)"/.exec(data)?.[1];
      return;
    }
    const terminal = terminalEvents[type];
    if (!terminal) return;
    this.terminal = terminal;
    try {
      this.usage = readResponsesUsage(JSON.parse(data)) ?? this.usage;
    } catch {
      // A malformed terminal event still terminates; usage stays unknown (estimated later).
    }
  }
}

/** Streams without `event:` lines (some compatible servers): read `type` from the payload. */
function sniffType(data: string): string | undefined {
  return /"type"\s*:\s*"([^"]+)"/.exec(data)?.[1];
}
