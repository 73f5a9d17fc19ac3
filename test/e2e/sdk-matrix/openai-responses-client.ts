/** The official `openai` SDK's Responses client against every upstream. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseOutputItem, ResponseUsage } from 'openai/resources/responses/responses';
import { reportedModel, type ClientCase, type ClientCaseContext, type SdkClient } from './client-case.ts';
import { requestsOf } from './scripted-cases.ts';
import {
  assertUpstreamAccepted,
  cutAnswer,
  cutScenarios,
  expectedUsage,
  finalAnswer,
  toolRoundTripScenarios,
  toolTurns,
  unaryAnswer,
  unaryScenarios,
  weatherOutput,
  weatherTool,
  type ExpectedUsage,
} from './weather-conversation.ts';

function client(context: ClientCaseContext): OpenAI {
  return new OpenAI({ apiKey: context.clientKey, baseURL: `${context.gatewayUrl}/v1`, maxRetries: 0 });
}

function assertUsage(usage: ResponseUsage | undefined, expected: ExpectedUsage): void {
  assert.ok(usage, 'usage is reported');
  assert.deepEqual(
    { input: usage.input_tokens, output: usage.output_tokens, total: usage.total_tokens, cached: usage.input_tokens_details.cached_tokens },
    { input: expected.input, output: expected.output, total: expected.input + expected.output, cached: expected.cached },
  );
}

/**
 * Output items as a stateless client sends them back: only the input fields (the SDK's parsed
 * extras such as `parsed_arguments` are not part of the input schema).
 */
function asInput(item: ResponseOutputItem): ResponseInputItem {
  switch (item.type) {
    case 'reasoning':
      return { type: 'reasoning', id: item.id, summary: item.summary, ...(item.encrypted_content ? { encrypted_content: item.encrypted_content } : {}) };
    case 'function_call':
      return { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments };
    case 'message':
      return { type: 'message', role: 'assistant', id: item.id, status: item.status, content: item.content } as ResponseInputItem;
    default:
      throw new Error(`unexpected output item ${item.type}`);
  }
}

const tools: OpenAI.Responses.Tool[] = [
  { type: 'function', name: weatherTool.name, description: weatherTool.description, strict: false, parameters: weatherTool.parameters },
];

export const openaiResponsesClient: SdkClient = {
  name: 'openai responses',
  dialect: 'openai-responses',
  cases: [
    ...toolTurns.map(
      (turn): ClientCase => ({
        name: `responses.stream() with ${turn.title}, then the tool outputs`,
        async run(context) {
          const scripted = context.cases.add(`responses-stream-${turn.id}-${context.upstream.kind}`, toolRoundTripScenarios(context.upstream, turn));
          const openai = client(context);
          const input: ResponseInputItem[] = [{ role: 'user', content: `${scripted.marker} What is the weather in ${turn.cities.join(' and ')}?` }];
          const first = await openai.responses
            .stream({
              model: context.upstream.alias,
              instructions: 'You are a weather bot.',
              input,
              tools,
              include: ['reasoning.encrypted_content'],
              store: false,
            })
            .finalResponse();
          assert.equal(first.status, 'completed');
          assert.equal(first.model, reportedModel({ dialect: 'openai-responses' }, context.upstream));
          assert.equal(first.output_text || undefined, turn.lead);
          const calls = first.output.filter((item) => item.type === 'function_call');
          assert.deepEqual(
            calls.map((call) => [call.name, JSON.parse(call.arguments)]),
            turn.cities.map((city) => [weatherTool.name, { city }]),
          );
          assert.ok(
            calls.every((call) => call.call_id.length > 0),
            'every call has a call_id',
          );
          assert.equal(new Set(calls.map((call) => call.call_id)).size, calls.length, 'call_ids are distinct');
          assertUsage(first.usage, expectedUsage(context.upstream, 'toolCall'));

          input.push(
            ...first.output.map(asInput),
            ...turn.cities.map(
              (city, index): ResponseInputItem => ({ type: 'function_call_output', call_id: calls[index]!.call_id, output: weatherOutput(city) }),
            ),
          );
          const deltas: string[] = [];
          const stream = openai.responses.stream({
            model: context.upstream.alias,
            instructions: 'You are a weather bot.',
            input,
            tools,
            include: ['reasoning.encrypted_content'],
            store: false,
          });
          stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
          const second = await stream.finalResponse();
          assert.equal(second.status, 'completed');
          assert.equal(second.output_text, finalAnswer);
          assert.equal(deltas.join(''), finalAnswer, 'the text arrived as deltas');
          assert.deepEqual(
            second.output.filter((item) => item.type === 'function_call'),
            [],
          );
          assertUsage(second.usage, expectedUsage(context.upstream, 'answer'));
          assertUpstreamAccepted(context.upstream, scripted, { toolResults: turn.cities.map(weatherOutput) });
          if (context.upstream.kind === 'gemini') {
            // The signature travelled to the client inside a reasoning item and came back on its call.
            const modelTurn = requestsOf(context.upstream.requests, scripted)[1]!.body.contents.find((content: { role: string }) => content.role === 'model');
            const firstCall = modelTurn.parts.find((part: { functionCall?: unknown }) => part.functionCall);
            assert.match(firstCall.thoughtSignature ?? '', /^[A-Za-z0-9+/]{20,}={0,2}$/, 'the signature Gemini issued, not a dummy');
          }
        },
      }),
    ),
    {
      name: 'non-streaming create',
      async run(context) {
        const scripted = context.cases.add(`responses-unary-${context.upstream.kind}`, unaryScenarios(context.upstream));
        const response = await client(context).responses.create({
          model: context.upstream.alias,
          input: `${scripted.marker} Say hello.`,
          max_output_tokens: 200,
        });
        assert.equal(response.object, 'response');
        assert.equal(response.status, 'completed');
        assert.equal(response.output_text, unaryAnswer);
        assert.equal(response.model, reportedModel({ dialect: 'openai-responses' }, context.upstream));
        assertUsage(response.usage, expectedUsage(context.upstream, 'unary'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
    {
      name: 'stream cut by max_output_tokens',
      async run(context) {
        const scripted = context.cases.add(`responses-cut-${context.upstream.kind}`, cutScenarios(context.upstream));
        // The Responses API itself refuses a limit under 16; this client stays within it.
        const response = await client(context)
          .responses.stream({ model: context.upstream.alias, input: `${scripted.marker} Tell a long story.`, max_output_tokens: 16 })
          .finalResponse();
        assert.equal(response.status, 'incomplete');
        assert.equal(response.incomplete_details?.reason, 'max_output_tokens');
        assert.equal(response.output_text, cutAnswer);
        assertUsage(response.usage, expectedUsage(context.upstream, 'cut'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
  ],
};
