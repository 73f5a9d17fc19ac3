import { parameterCheck } from '../../core/check-parameters.ts';
import { oneChoice, positiveInteger, type Surface } from '../../core/surface.ts';
import { collectToolNames, isObject } from '../shared/routing-hints.ts';
import { converseCodec } from './codec.ts';
import { decodeUsage } from './map-usage.ts';
import { mapConverseRequestText } from './map-request-text.ts';
import { converseParameterRules } from './parameter-rules.ts';
import { ConverseMeter } from './passthrough-meter.ts';

/** `/model/{modelId}/converse` or `/converse-stream` → the model id (URL-decoded), or undefined. */
export function conversePathModel(pathname: string): string | undefined {
  const match = /\/model\/([^/]+)\/converse(?:-stream)?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Amazon Bedrock Converse / ConverseStream. The provider half serves `type: bedrock` models
 * that are not Claude (and Claude with `quirks.bedrock_api: converse`); no gateway URL maps
 * to it, so no client speaks it to the gateway (docs/decisions/0013).
 */
export const converseSurface: Surface = {
  dialect: 'bedrock-converse',
  codec: converseCodec,
  readModel: (_body, url) => conversePathModel(url.pathname),
  readStream: (_body, url) => url.pathname.endsWith('/converse-stream'),
  readMaxOutputTokens: (body) => positiveInteger((body.optionalMember('inferenceConfig') as { maxTokens?: unknown } | undefined)?.maxTokens),
  checkParameters: parameterCheck(converseParameterRules),
  readChoiceCount: oneChoice,
  readUsage: (body) => decodeUsage((body as { usage?: unknown }).usage),
  withModel: (body) => body.raw,
  withOutputCap: (body, tokens) => {
    const fields = body.fields();
    const inference = isObject(fields.inferenceConfig) ? fields.inferenceConfig : {};
    return Buffer.from(JSON.stringify({ ...fields, inferenceConfig: { ...inference, maxTokens: tokens } }));
  },
  createMeter: () => new ConverseMeter(),
  readRoutingHints: (body) => {
    const toolConfig = isObject(body.toolConfig) ? body.toolConfig : {};
    const toolNames = collectToolNames(toolConfig.tools, (tool) => (isObject(tool.toolSpec) ? tool.toolSpec.name : undefined));
    return { toolNames, cacheKey: undefined, metadata: isObject(body.requestMetadata) ? body.requestMetadata : {} };
  },
  encodeTokenCount: (tokens) => ({ inputTokens: tokens }),
  mapRequestText: mapConverseRequestText,
};
