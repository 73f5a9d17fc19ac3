import { parameterCheck } from '../../core/check-parameters.ts';
import { geminiParameterRules } from './parameter-rules.ts';
import { positiveInteger, type Surface } from '../../core/surface.ts';
import { collectToolNames, isObject } from '../shared/routing-hints.ts';
import { geminiCodec } from './codec.ts';
import { decodeUsage } from './map-usage.ts';
import { GeminiMeter } from './passthrough-meter.ts';
import { mapGeminiRequestText } from './map-request-text.ts';
import { adaptForTarget } from './adapt-for-target.ts';

/** `models/{model}:method` → the model (URL-decoded), or undefined. */
export function geminiPathModel(pathname: string): string | undefined {
  const match = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):[A-Za-z]+$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** Gemini tools group their functions under `functionDeclarations`. */
function geminiToolNames(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body['tools']) ? body['tools'] : [];
  return tools.flatMap((tool) => (isObject(tool) ? collectToolNames(tool['functionDeclarations'], (declaration) => declaration['name']) : []));
}

/** `POST /v1beta/models/{model}:generateContent|:streamGenerateContent`: Gemini CLI and @google/genai. */
export const geminiSurface: Surface = {
  dialect: 'gemini',
  codec: geminiCodec,
  readModel: (_body, url) => geminiPathModel(url.pathname),
  readStream: (_body, url) => url.pathname.endsWith(':streamGenerateContent'),
  readMaxOutputTokens: (body) => {
    const config = body.optionalMember('generationConfig') as { maxOutputTokens?: unknown } | undefined;
    return positiveInteger(config?.maxOutputTokens);
  },
  checkParameters: parameterCheck(geminiParameterRules),
  readChoiceCount: (body) => {
    const config = body.optionalMember('generationConfig') as { candidateCount?: unknown } | undefined;
    return positiveInteger(config?.candidateCount) ?? 1;
  },
  readUsage: (body) => decodeUsage((body as { usageMetadata?: unknown }).usageMetadata),
  // Gemini names the model in the URL: the provider builds it, the body stays byte-identical.
  withModel: (body) => body.raw,
  withOutputCap: (body, tokens) => {
    const fields = body.fields();
    const config = isObject(fields['generationConfig']) ? fields['generationConfig'] : {};
    return Buffer.from(JSON.stringify({ ...fields, generationConfig: { ...config, maxOutputTokens: tokens } }));
  },
  adaptForTarget,
  createMeter: () => new GeminiMeter(),
  readRoutingHints: (body) => ({ toolNames: geminiToolNames(body), cacheKey: undefined, metadata: {} }),
  encodeTokenCount: (tokens) => ({ totalTokens: tokens }),
  mapRequestText: mapGeminiRequestText,
};
