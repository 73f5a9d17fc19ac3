import type { RecordedRequest } from '../../fakes/scenario.ts';

/** The parts of a Gemini request's contents, in order. */
export type GeminiPart = {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args?: unknown };
  functionResponse?: { name: string; response?: unknown };
};
export const geminiParts = (request: RecordedRequest): GeminiPart[] =>
  (request.body?.contents ?? []).flatMap((content: { parts?: GeminiPart[] }) => content.parts ?? []);

/** How many tool results an Anthropic Messages request carries back (0 on an agent's first turn). */
export const anthropicToolResults = (request: RecordedRequest): number =>
  (request.body?.messages ?? [])
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result').length;

/** How many function responses a Gemini request carries back (0 on an agent's first turn). */
export const geminiFunctionResponses = (request: RecordedRequest): number => geminiParts(request).filter((part) => part.functionResponse !== undefined).length;
