import { openaiResponsesCodec, readResponsesUsage } from '../dialects/openai-responses/index.ts';
import { ResponsesMeter } from './meters/responses-meter.ts';
import type { Surface } from './surface.ts';

/** `POST /v1/responses`: Codex CLI and the OpenAI SDKs. */
export const responsesSurface: Surface = {
  dialect: 'openai-responses',
  codec: openaiResponsesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readUsage: (body) => readResponsesUsage({ type: 'response.completed', response: body }),
  createMeter: (requestedModel) => new ResponsesMeter(requestedModel),
};
