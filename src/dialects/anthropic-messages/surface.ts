import { parameterCheck } from '../../core/check-parameters.ts';
import { anthropicParameterRules } from './parameter-rules.ts';
import { oneChoice, positiveInteger, withBodyModel, type Surface } from '../../core/surface.ts';
import { collectToolNames, isObject } from '../shared/routing-hints.ts';
import { anthropicMessagesCodec } from './codec.ts';
import { decodeUsage } from './map-usage.ts';
import { AnthropicMeter } from './passthrough-meter.ts';
import { mapAnthropicRequestText } from './map-request-text.ts';
import { adaptForTarget } from './adapt-for-target.ts';

/** `POST /v1/messages`: Claude Code and the Anthropic SDKs. */
export const messagesSurface: Surface = {
  dialect: 'anthropic-messages',
  codec: anthropicMessagesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_tokens')),
  checkParameters: parameterCheck(anthropicParameterRules),
  readChoiceCount: oneChoice,
  readUsage: (body) => decodeUsage((body as { usage?: never }).usage),
  withModel: withBodyModel,
  withOutputCap: (body, tokens) => body.withAddedMember('max_tokens', tokens),
  adaptForTarget,
  createMeter: () => new AnthropicMeter(),
  readRoutingHints: (body) => ({
    toolNames: collectToolNames(body['tools'], (tool) => tool['name']),
    cacheKey: undefined,
    metadata: isObject(body['metadata']) ? body['metadata'] : {},
  }),
  encodeTokenCount: (tokens) => ({ input_tokens: tokens }),
  mapRequestText: mapAnthropicRequestText,
};
