/** The official `@google/genai` client against every upstream. */
import assert from 'node:assert/strict';
import { FinishReason, GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponseUsageMetadata, type Part } from '@google/genai';
import { reportedModel, type ClientCase, type ClientCaseContext, type SdkClient } from './client-case.ts';
import { requestsOf } from './scripted-cases.ts';
import {
  assertUpstreamAccepted,
  cutAnswer,
  cutScenarios,
  expectedUsage,
  finalAnswer,
  smallLimit,
  toolRoundTripScenarios,
  toolTurns,
  unaryAnswer,
  unaryScenarios,
  weatherOutput,
  weatherTool,
  type ExpectedUsage,
} from './weather-conversation.ts';

function client(context: ClientCaseContext): GoogleGenAI {
  return new GoogleGenAI({ apiKey: context.clientKey, httpOptions: { baseUrl: context.gatewayUrl } });
}

/** Gemini's promptTokenCount INCLUDES cached tokens; candidatesTokenCount excludes thoughts (none here). */
function assertUsage(usage: GenerateContentResponseUsageMetadata | undefined, expected: ExpectedUsage): void {
  assert.ok(usage, 'usageMetadata is reported');
  assert.deepEqual(
    { prompt: usage.promptTokenCount, candidates: usage.candidatesTokenCount, total: usage.totalTokenCount, cached: usage.cachedContentTokenCount ?? 0 },
    { prompt: expected.input, candidates: expected.output, total: expected.input + expected.output, cached: expected.cached },
  );
}

const config = {
  systemInstruction: 'You are a weather bot.',
  tools: [{ functionDeclarations: [{ name: weatherTool.name, description: weatherTool.description, parametersJsonSchema: weatherTool.parameters }] }],
};

/**
 * Streams one turn and rebuilds the model's content the way a chat client keeps history: every
 * part as it arrived (signatures included), minus empty text parts that carry nothing.
 */
async function streamTurn(genai: GoogleGenAI, model: string, contents: Content[], extraConfig: GenerateContentConfig = {}) {
  const parts: Part[] = [];
  const finishReasons: string[] = [];
  let text = '';
  let usage: GenerateContentResponseUsageMetadata | undefined;
  let modelVersion: string | undefined;
  for await (const chunk of await genai.models.generateContentStream({ model, contents, config: { ...config, ...extraConfig } })) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.text !== undefined && !part.thought) text += part.text;
      if (part.text === '' && part.thoughtSignature === undefined) continue;
      parts.push(part);
    }
    if (candidate?.finishReason) finishReasons.push(candidate.finishReason);
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    modelVersion ??= chunk.modelVersion;
  }
  return { content: { role: 'model', parts } satisfies Content, finishReasons, text, usage, modelVersion };
}

export const genaiClient: SdkClient = {
  name: 'google genai',
  dialect: 'gemini',
  cases: [
    ...toolTurns.map(
      (turn): ClientCase => ({
        name: `generateContentStream with ${turn.title}, then the functionResponses`,
        async run(context) {
          const scripted = context.cases.add(`genai-stream-${turn.id}-${context.upstream.kind}`, toolRoundTripScenarios(context.upstream, turn));
          const genai = client(context);
          const contents: Content[] = [{ role: 'user', parts: [{ text: `${scripted.marker} What is the weather in ${turn.cities.join(' and ')}?` }] }];
          const first = await streamTurn(genai, context.upstream.alias, contents);
          assert.deepEqual(first.finishReasons, [FinishReason.STOP], 'one finishReason, on the last chunk');
          assert.equal(first.modelVersion, reportedModel({ dialect: 'gemini' }, context.upstream));
          assert.equal(first.text || undefined, turn.lead);
          const callParts = first.content.parts.filter((part) => part.functionCall !== undefined);
          const calls = callParts.map((part) => part.functionCall!);
          assert.deepEqual(
            calls.map((call) => [call.name, call.args]),
            turn.cities.map((city) => [weatherTool.name, { city }]),
          );
          assertUsage(first.usage, expectedUsage(context.upstream, 'toolCall'));
          const returnedSignatures = first.content.parts.flatMap((part) => (part.thoughtSignature ? [part.thoughtSignature] : []));
          if (context.upstream.kind === 'gemini')
            assert.ok(callParts[0]!.thoughtSignature, 'Gemini 3 signs its first function call and the gateway passes it on');

          contents.push(first.content, {
            role: 'user',
            parts: turn.cities.map((city, index) => ({
              functionResponse: { name: calls[index]!.name!, ...(calls[index]!.id ? { id: calls[index]!.id } : {}), response: { result: weatherOutput(city) } },
            })),
          });
          const second = await streamTurn(genai, context.upstream.alias, contents);
          assert.deepEqual(second.finishReasons, [FinishReason.STOP]);
          assert.equal(second.text, finalAnswer);
          assert.deepEqual(
            second.content.parts.filter((part) => part.functionCall !== undefined),
            [],
          );
          assertUsage(second.usage, expectedUsage(context.upstream, 'answer'));
          assertUpstreamAccepted(context.upstream, scripted, { toolResults: turn.cities.map(weatherOutput) });
          if (context.upstream.kind === 'gemini') {
            // The client sent back what the gateway returned, and it reached Gemini byte for byte.
            const replayed = JSON.stringify(requestsOf(context.upstream.requests, scripted).at(-1)!.body.contents);
            for (const signature of returnedSignatures) assert.ok(replayed.includes(signature), 'the thought signature went back upstream');
          }
        },
      }),
    ),
    {
      name: 'non-streaming generateContent',
      async run(context) {
        const scripted = context.cases.add(`genai-unary-${context.upstream.kind}`, unaryScenarios(context.upstream));
        const response = await client(context).models.generateContent({
          model: context.upstream.alias,
          contents: `${scripted.marker} Say hello.`,
          config: { maxOutputTokens: 200 },
        });
        assert.equal(response.text, unaryAnswer);
        assert.equal(response.modelVersion, reportedModel({ dialect: 'gemini' }, context.upstream));
        assert.equal(response.candidates?.[0]?.finishReason, FinishReason.STOP);
        assert.equal(response.candidates?.[0]?.content?.role, 'model');
        assertUsage(response.usageMetadata, expectedUsage(context.upstream, 'unary'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
    {
      name: 'generateContentStream cut by maxOutputTokens',
      async run(context) {
        const scripted = context.cases.add(`genai-cut-${context.upstream.kind}`, cutScenarios(context.upstream));
        const turn = await streamTurn(client(context), context.upstream.alias, [{ role: 'user', parts: [{ text: `${scripted.marker} Tell a long story.` }] }], {
          maxOutputTokens: smallLimit,
        });
        assert.deepEqual(turn.finishReasons, [FinishReason.MAX_TOKENS]);
        assert.equal(turn.text, cutAnswer);
        assertUsage(turn.usage, expectedUsage(context.upstream, 'cut'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
  ],
};
