import { openaiResponsesCodec, readResponsesUsage } from '../dialects/openai-responses/index.ts';
import { ResponsesMeter } from './meters/responses-meter.ts';
import type { Surface } from './surface.ts';

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `POST /v1/responses`: Codex CLI and the OpenAI SDKs. */
export const responsesSurface: Surface = {
  dialect: 'openai-responses',
  codec: openaiResponsesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_output_tokens')),
  readUsage: (body) => readResponsesUsage({ type: 'response.completed', response: body }),
  createMeter: (requestedModel) => new ResponsesMeter(requestedModel),
};
