import { encodeSseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import { readResponsesUsage, responsesFailureCode } from '../../dialects/openai-responses/index.ts';
import { parseOrUndefined, SseMeter } from './sse-meter.ts';

const terminalEvents: Record<string, 'completed' | 'incomplete' | 'failed'> = {
  'response.completed': 'completed',
  'response.incomplete': 'incomplete',
  'response.failed': 'failed',
};

/** Meters a Responses SSE stream: only terminal events are JSON-parsed. */
export class ResponsesMeter extends SseMeter {
  private responseId: string | undefined;

  constructor(private readonly requestedModel: string) {
    super();
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

  protected observe(name: string | undefined, data: string): void {
    const type = name ?? /"type"\s*:\s*"([^"]+)"/.exec(data)?.[1];
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
    this.usage = readResponsesUsage(parseOrUndefined(data)) ?? this.usage;
  }
}
