/** The official `openai` SDK's Chat Completions client against every upstream. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { reportedModel, type ClientCase, type ClientCaseContext, type SdkClient } from './client-case.ts';
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

function client(context: ClientCaseContext): OpenAI {
  return new OpenAI({ apiKey: context.clientKey, baseURL: `${context.gatewayUrl}/v1`, maxRetries: 0 });
}

function assertUsage(usage: OpenAI.CompletionUsage | undefined, expected: ExpectedUsage): void {
  assert.ok(usage, 'usage is reported');
  assert.deepEqual(
    { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens, cached: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    { prompt: expected.input, completion: expected.output, total: expected.input + expected.output, cached: expected.cached },
  );
}

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.parameters } },
];

export const openaiChatClient: SdkClient = {
  name: 'openai chat.completions',
  dialect: 'openai-chat',
  cases: [
    ...toolTurns.map(
      (turn): ClientCase => ({
        name: `stream with ${turn.title}, then the tool results`,
        async run(context) {
          const scripted = context.cases.add(`chat-stream-${turn.id}-${context.upstream.kind}`, toolRoundTripScenarios(context.upstream, turn));
          const openai = client(context);
          const messages: ChatCompletionMessageParam[] = [
            { role: 'system', content: 'You are a weather bot.' },
            { role: 'user', content: `${scripted.marker} What is the weather in ${turn.cities.join(' and ')}?` },
          ];
          const first = await openai.chat.completions
            .stream({ model: context.upstream.alias, messages, tools, stream_options: { include_usage: true } })
            .finalChatCompletion();
          const [choice] = first.choices;
          assert.equal(choice?.finish_reason, 'tool_calls');
          assert.equal(first.model, reportedModel({ dialect: 'openai-chat' }, context.upstream));
          assert.equal(choice.message.content || undefined, turn.lead);
          const calls = (choice.message.tool_calls ?? []).filter((call) => call.type === 'function');
          assert.deepEqual(
            calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)]),
            turn.cities.map((city) => [weatherTool.name, { city }]),
          );
          assert.ok(
            calls.every((call) => call.id.length > 0),
            'every call has an id',
          );
          assert.equal(new Set(calls.map((call) => call.id)).size, calls.length, 'ids are distinct');
          assertUsage(first.usage, expectedUsage(context.upstream, 'toolCall'));

          messages.push(
            // The SDK's own message goes back verbatim, as its docs do (it carries SDK extras like `parsed`).
            choice.message,
            ...turn.cities.map((city, index): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: calls[index]!.id, content: weatherOutput(city) })),
          );
          const deltas: string[] = [];
          const stream = openai.chat.completions.stream({ model: context.upstream.alias, messages, tools, stream_options: { include_usage: true } });
          stream.on('content', (delta) => deltas.push(delta));
          const second = await stream.finalChatCompletion();
          assert.equal(second.choices[0]?.finish_reason, 'stop');
          assert.equal(second.choices[0]?.message.content, finalAnswer);
          assert.equal(deltas.join(''), finalAnswer, 'the text arrived as deltas');
          assertUsage(second.usage, expectedUsage(context.upstream, 'answer'));
          assertUpstreamAccepted(context.upstream, scripted, { toolResults: turn.cities.map(weatherOutput) });
        },
      }),
    ),
    {
      name: 'non-streaming create',
      async run(context) {
        const scripted = context.cases.add(`chat-unary-${context.upstream.kind}`, unaryScenarios(context.upstream));
        const completion = await client(context).chat.completions.create({
          model: context.upstream.alias,
          messages: [{ role: 'user', content: `${scripted.marker} Say hello.` }],
          max_completion_tokens: 200,
        });
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices[0]?.message.content, unaryAnswer);
        assert.equal(completion.model, reportedModel({ dialect: 'openai-chat' }, context.upstream));
        assert.equal(completion.choices[0]?.message.role, 'assistant');
        assert.equal(completion.choices[0]?.finish_reason, 'stop');
        assertUsage(completion.usage, expectedUsage(context.upstream, 'unary'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
    {
      name: 'stream cut by max_tokens',
      async run(context) {
        const scripted = context.cases.add(`chat-cut-${context.upstream.kind}`, cutScenarios(context.upstream));
        const completion = await client(context)
          .chat.completions.stream({
            model: context.upstream.alias,
            messages: [{ role: 'user', content: `${scripted.marker} Tell a long story.` }],
            max_tokens: smallLimit,
            stream_options: { include_usage: true },
          })
          .finalChatCompletion();
        assert.equal(completion.choices[0]?.finish_reason, 'length');
        assert.equal(completion.choices[0]?.message.content, cutAnswer);
        assertUsage(completion.usage, expectedUsage(context.upstream, 'cut'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
  ],
};
