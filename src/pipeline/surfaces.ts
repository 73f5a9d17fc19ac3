import { anthropicMessagesCodec } from '../dialects/anthropic-messages/index.ts';
import { decodeUsage as decodeAnthropicUsage } from '../dialects/anthropic-messages/map-usage.ts';
import { geminiCodec, readGeminiUsage } from '../dialects/gemini/index.ts';
import { openaiChatCodec, readChatUsage } from '../dialects/openai-chat/index.ts';
import { openaiResponsesCodec, readResponsesUsage } from '../dialects/openai-responses/index.ts';
import { AnthropicMeter } from './meters/anthropic-meter.ts';
import { ChatMeter } from './meters/chat-meter.ts';
import { GeminiMeter } from './meters/gemini-meter.ts';
import { ResponsesMeter } from './meters/responses-meter.ts';
import type { RequestBody } from './request-body.ts';
import type { Surface } from './surface.ts';

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Dialects that name the model in the body: the passthrough rewrites it there (a byte splice). */
function withBodyModel(body: RequestBody, model: string): Buffer {
  return body.member('model') === model ? body.raw : body.withMember('model', model);
}

/** `POST /v1/responses`: Codex CLI and the OpenAI SDKs. */
export const responsesSurface: Surface = {
  dialect: 'openai-responses',
  codec: openaiResponsesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.leadingMember('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_output_tokens')),
  readUsage: (body) => readResponsesUsage({ type: 'response.completed', response: body }),
  withModel: withBodyModel,
  createMeter: (requestedModel) => new ResponsesMeter(requestedModel),
};

/** `POST /v1/messages`: Claude Code and the Anthropic SDKs. */
export const messagesSurface: Surface = {
  dialect: 'anthropic-messages',
  codec: anthropicMessagesCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_tokens')),
  readUsage: (body) => decodeAnthropicUsage((body as { usage?: never }).usage),
  withModel: withBodyModel,
  createMeter: () => new AnthropicMeter(),
};

/** `POST /v1/chat/completions`: every Chat Completions client. */
export const chatSurface: Surface = {
  dialect: 'openai-chat',
  codec: openaiChatCodec,
  readModel: (body) => body.member('model'),
  readStream: (body) => body.member('stream') === true,
  readMaxOutputTokens: (body) => positiveInteger(body.optionalMember('max_completion_tokens')) ?? positiveInteger(body.optionalMember('max_tokens')),
  readUsage: (body) => readChatUsage(body),
  withModel: withBodyModel,
  createMeter: () => new ChatMeter(),
};

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
  readUsage: (body) => readGeminiUsage((body as { usageMetadata?: unknown }).usageMetadata),
  // Gemini names the model in the URL: the provider builds it, the body stays byte-identical.
  withModel: (body) => body.raw,
  createMeter: () => new GeminiMeter(),
};

/** `models/{model}:method` → the model (URL-decoded), or undefined. */
export function geminiPathModel(pathname: string): string | undefined {
  const match = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):[A-Za-z]+$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}
