// Turns a Scenario into Gemini GenerateContentResponse chunks (as in
// test/fixtures/providers/gemini/*.sse): thought parts only with includeThoughts, text split over a few
// chunks, function calls whole with an `args` object and no id (the first call of a step signed),
// cumulative usageMetadata on every chunk, finishReason only on the last chunk (STOP also for
// tool calls, MAX_TOKENS for stop 'length'). Gemini 3 ends with an extra empty text part, which
// carries the signature of a text-only answer (text-thought-signature-on-empty-part.jsonl).
import { isPlainObject, randomAlphanumeric } from './fake-http.ts';
import { readField } from './gemini-payload-parser.ts';
import { asList } from './gemini-turn-validator.ts';
import { estimateTokens, splitIntoDeltas, type Scenario } from './scenario.ts';

export type GeminiChunk = Record<string, any>;
export type GeminiReply = { chunks: GeminiChunk[]; response: GeminiChunk };

export type GeminiReplyContext = {
  model: string;
  generation: number;
  thinks: boolean;
  includeThoughts: boolean;
  issueSignature(): string;
};

export class GeminiScenarioMismatchError extends Error {}

type Piece = { parts: Record<string, any>[]; thoughtChars: number; answerChars: number };

export function buildGeminiReply(body: Record<string, any>, scenario: Scenario, context: GeminiReplyContext): GeminiReply {
  const declared = new Set(asList(body.tools).flatMap((tool) => asList(readField(tool, 'functionDeclarations')).map((declaration) => declaration.name)));
  // A call cut by max tokens is never emitted: Gemini only sends whole functionCall parts.
  const scripted = scenario.toolCalls ?? [];
  const calls = (scenario.stop === 'length' ? scripted.slice(0, -1) : scripted).map((call) => ({ name: call.name, args: toArgs(call, declared) }));
  const reasoning = context.thinks ? (scenario.reasoning?.text ?? '') : '';
  const showThoughts = context.includeThoughts && reasoning !== '';
  const text = scenario.text ?? '';
  // One signature per step, on its first call (parallel siblings stay unsigned, as documented),
  // or on the text of a text-only Gemini 3 answer.
  const callSignature = calls.length > 0 && context.thinks ? { thoughtSignature: context.issueSignature() } : {};
  const textSignature = context.thinks && context.generation >= 3 && calls.length === 0 && text !== '' ? { thoughtSignature: context.issueSignature() } : {};
  const callParts = () => calls.map((call, index) => ({ functionCall: { name: call.name, args: call.args }, ...(index === 0 ? callSignature : {}) }));
  const callChars = calls.reduce((sum, call) => sum + JSON.stringify(call.args).length + call.name.length, 0);

  const pieces: Piece[] = [
    ...(showThoughts ? splitIntoDeltas(reasoning, 2) : []).map((delta) => ({
      parts: [{ text: delta, thought: true }],
      thoughtChars: delta.length,
      answerChars: 0,
    })),
    ...splitIntoDeltas(text, 3).map((delta) => ({ parts: [{ text: delta }], thoughtChars: 0, answerChars: delta.length })),
    ...(calls.length > 0 ? [{ parts: callParts(), thoughtChars: 0, answerChars: callChars }] : []),
  ];
  if (context.generation >= 3 || pieces.length === 0) {
    const closing = context.generation >= 3 ? [{ text: '', ...textSignature }] : [];
    pieces.push({ parts: closing, thoughtChars: 0, answerChars: 0 });
  }

  const totals = computeTotals(body, scenario, reasoning, text.length + callChars);
  const finishReason = scenario.stop === 'length' ? 'MAX_TOKENS' : 'STOP';
  const responseId = randomAlphanumeric(23);
  const envelope = (parts: Record<string, any>[], usageMetadata: Record<string, number | unknown>, last: boolean): GeminiChunk => ({
    candidates: [{ content: { ...(parts.length > 0 ? { parts } : {}), role: 'model' }, ...(last ? { finishReason } : {}), index: 0 }],
    usageMetadata,
    modelVersion: context.model,
    responseId,
  });

  let thoughtChars = 0;
  let answerChars = 0;
  const chunks = pieces.map((piece, index) => {
    thoughtChars += piece.thoughtChars;
    answerChars += piece.answerChars;
    return envelope(piece.parts, totals.usageAt(showThoughts ? thoughtChars / reasoning.length : 1, answerChars), index === pieces.length - 1);
  });

  const finalParts = [...(showThoughts ? [{ text: reasoning, thought: true }] : []), ...(text !== '' ? [{ text, ...textSignature }] : []), ...callParts()];
  return { chunks, response: envelope(finalParts, totals.usageAt(1, text.length + callChars), true) };
}

function toArgs(call: NonNullable<Scenario['toolCalls']>[number], declared: Set<string>): Record<string, unknown> {
  if (!declared.has(call.name)) throw new GeminiScenarioMismatchError(`scenario calls tool '${call.name}' that the request did not declare`);
  if (isPlainObject(call.arguments)) return call.arguments;
  try {
    const parsed = JSON.parse(call.arguments as string);
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // fall through: Gemini never emits anything but an args object
  }
  throw new GeminiScenarioMismatchError(`Gemini function calls carry an args object; '${call.name}' got ${JSON.stringify(call.arguments)}`);
}

/**
 * Scenario usage is provider-neutral; Gemini's promptTokenCount INCLUDES cachedContentTokenCount
 * and candidatesTokenCount EXCLUDES thoughtsTokenCount.
 */
function computeTotals(body: Record<string, any>, scenario: Scenario, reasoning: string, answerLength: number) {
  const prompt = scenario.usage?.input ?? estimateTokens(JSON.stringify([readField(body, 'systemInstruction') ?? '', body.contents, body.tools ?? []]));
  const cached = scenario.usage?.cached ?? 0;
  const thoughts = reasoning === '' ? 0 : (scenario.usage?.reasoning ?? estimateTokens(reasoning));
  const candidates = scenario.usage?.output !== undefined ? Math.max(0, scenario.usage.output - thoughts) : answerLength > 0 ? Math.ceil(answerLength / 4) : 0;
  return {
    /** Cumulative counts after `thoughtShare` of the thoughts and `answerSoFar` answer characters. */
    usageAt(thoughtShare: number, answerSoFar: number) {
      const thoughtsSoFar = Math.round(thoughts * thoughtShare);
      const candidatesSoFar = answerLength === 0 ? candidates : Math.round((candidates * answerSoFar) / answerLength);
      return {
        promptTokenCount: prompt,
        ...(candidatesSoFar > 0 ? { candidatesTokenCount: candidatesSoFar } : {}),
        totalTokenCount: prompt + candidatesSoFar + thoughtsSoFar,
        ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
        ...(cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
        ...(thoughtsSoFar > 0 ? { thoughtsTokenCount: thoughtsSoFar } : {}),
      };
    },
  };
}

/** Serialises like the live SSE stream: `": "` after keys, no space after commas. */
export function geminiJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(geminiJson).join(',')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}: ${geminiJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
