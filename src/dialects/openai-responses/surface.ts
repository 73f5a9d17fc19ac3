import { parameterCheck } from '../../core/check-parameters.ts';
import { responsesParameterRules } from './parameter-rules.ts';
import { oneChoice, positiveInteger, withBodyModel, type Surface } from '../../core/surface.ts';
import { collectToolNames, isObject, openaiHints } from '../shared/routing-hints.ts';
import { openaiResponsesCodec } from './codec.ts';
import { ResponsesMeter } from './passthrough-meter.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import { mapResponsesRequestText } from './map-request-text.ts';
import { adaptForTarget } from './adapt-for-target.ts';

/** Responses tools: top-level `name`, namespaces nest theirs under `tools`. */
function responsesToolNames(body: Record<string, unknown>): string[] {
  const names = collectToolNames(body['tools'], (tool) => tool['name'], 'tools');
  // Responses-Lite: tools arrive as an `additional_tools` input item.
  if (Array.isArray(body['input'])) {
    for (const item of body['input']) {
      if (isObject(item) && item['type'] === 'additional_tools') names.push(...collectToolNames(item['tools'], (tool) => tool['name'], 'tools'));
    }
  }
  return names;
}

/** `POST /v1/responses`: Codex CLI and the OpenAI SDKs. */
export const responsesSurface: Surface = {
  dialect: 'openai-responses',
  codec: openaiResponsesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.leadingMember('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_output_tokens')),
  checkParameters: parameterCheck(responsesParameterRules),
  readChoiceCount: oneChoice,
  readUsage: (body) => readResponsesUsage({ type: 'response.completed', response: body }),
  withModel: withBodyModel,
  withOutputCap: (body, tokens) => body.withAddedMember('max_output_tokens', tokens),
  adaptForTarget,
  createMeter: (requestedModel) => new ResponsesMeter(requestedModel),
  readRoutingHints: (body) => openaiHints(body, responsesToolNames(body)),
  encodeTokenCount: (tokens) => ({ input_tokens: tokens }),
  mapRequestText: mapResponsesRequestText,
};
