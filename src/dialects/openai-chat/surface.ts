import { parameterCheck } from '../../core/check-parameters.ts';
import { chatParameterRules } from './parameter-rules.ts';
import { positiveInteger, withBodyModel, type Surface } from '../../core/surface.ts';
import { collectToolNames, isObject, openaiHints } from '../shared/routing-hints.ts';
import { openaiChatCodec } from './codec.ts';
import { ChatMeter } from './passthrough-meter.ts';
import { readChatUsage } from './read-chat-usage.ts';
import { mapChatRequestText } from './map-request-text.ts';
import { adaptForTarget } from './adapt-for-target.ts';

/** `POST /v1/chat/completions`: every Chat Completions client. */
export const chatSurface: Surface = {
  dialect: 'openai-chat',
  codec: openaiChatCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_completion_tokens')) ?? positiveInteger(body.optionalMember('max_tokens')),
  checkParameters: parameterCheck(chatParameterRules),
  readChoiceCount: (body) => positiveInteger(body.optionalMember('n')) ?? 1,
  // Without `stream_options.include_usage` an OpenAI-compatible stream carries no usage at all.
  withUsageReporting: (body) => {
    const options = body.optionalMember('stream_options');
    if (isObject(options) && options['include_usage'] === true) return undefined;
    return body.withAddedMember('stream_options', { ...(isObject(options) ? options : {}), include_usage: true });
  },
  readUsage: (body) => readChatUsage(body),
  withModel: withBodyModel,
  withOutputCap: (body, tokens) => body.withAddedMember('max_completion_tokens', tokens),
  adaptForTarget,
  createMeter: (_model, options) => new ChatMeter(options?.hideUsage === true),
  // Chat tools nest the name under `function`.
  readRoutingHints: (body) =>
    openaiHints(
      body,
      collectToolNames(body['tools'], (tool) => (isObject(tool['function']) ? tool['function']['name'] : undefined)),
    ),
  encodeTokenCount: (tokens) => ({ input_tokens: tokens }),
  mapRequestText: mapChatRequestText,
};
