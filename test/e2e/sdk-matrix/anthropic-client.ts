/** The official `@anthropic-ai/sdk` Messages client against every upstream. */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
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

function client(context: ClientCaseContext): Anthropic {
  return new Anthropic({ apiKey: context.clientKey, baseURL: context.gatewayUrl, maxRetries: 0 });
}

/** Anthropic's input_tokens EXCLUDE cache reads (the IR's input includes them). */
function assertUsage(usage: Anthropic.Usage, expected: ExpectedUsage): void {
  assert.deepEqual(
    { input: usage.input_tokens, cacheRead: usage.cache_read_input_tokens ?? 0, output: usage.output_tokens },
    { input: expected.input - expected.cached, cacheRead: expected.cached, output: expected.output },
  );
}

const tools: Anthropic.Tool[] = [
  { name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.parameters as unknown as Anthropic.Tool.InputSchema },
];

export const anthropicClient: SdkClient = {
  name: 'anthropic messages',
  dialect: 'anthropic-messages',
  cases: [
    ...toolTurns.map(
      (turn): ClientCase => ({
        name: `messages.stream() with ${turn.title}, then the tool_results`,
        async run(context) {
          const scripted = context.cases.add(`anthropic-stream-${turn.id}-${context.upstream.kind}`, toolRoundTripScenarios(context.upstream, turn));
          const anthropic = client(context);
          const messages: Anthropic.MessageParam[] = [{ role: 'user', content: `${scripted.marker} What is the weather in ${turn.cities.join(' and ')}?` }];
          const first = await anthropic.messages
            .stream({ model: context.upstream.alias, max_tokens: 1024, system: 'You are a weather bot.', messages, tools })
            .finalMessage();
          assert.equal(first.stop_reason, 'tool_use');
          assert.equal(first.model, reportedModel({ dialect: 'anthropic-messages' }, context.upstream));
          const texts = first.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
          assert.deepEqual(texts, turn.lead === undefined ? [] : [turn.lead]);
          const toolUses = first.content.filter((block) => block.type === 'tool_use');
          assert.deepEqual(
            toolUses.map((block) => [block.name, block.input]),
            turn.cities.map((city) => [weatherTool.name, { city }]),
          );
          assert.ok(
            toolUses.every((block) => block.id.length > 0),
            'every tool_use has an id',
          );
          assert.equal(new Set(toolUses.map((block) => block.id)).size, toolUses.length, 'ids are distinct');
          assertUsage(first.usage, expectedUsage(context.upstream, 'toolCall'));

          messages.push(
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: turn.cities.map((city, index) => ({ type: 'tool_result' as const, tool_use_id: toolUses[index]!.id, content: weatherOutput(city) })),
            },
          );
          const deltas: string[] = [];
          const stream = anthropic.messages.stream({ model: context.upstream.alias, max_tokens: 1024, system: 'You are a weather bot.', messages, tools });
          stream.on('text', (delta) => deltas.push(delta));
          const second = await stream.finalMessage();
          assert.equal(second.stop_reason, 'end_turn');
          assert.deepEqual(
            second.content.filter((block) => block.type !== 'thinking').map((block) => block.type === 'text' && block.text),
            [finalAnswer],
          );
          assert.equal(deltas.join(''), finalAnswer, 'the text arrived as deltas');
          assertUsage(second.usage, expectedUsage(context.upstream, 'answer'));
          assertUpstreamAccepted(context.upstream, scripted, { toolResults: turn.cities.map(weatherOutput) });
        },
      }),
    ),
    {
      name: 'non-streaming messages.create',
      async run(context) {
        const scripted = context.cases.add(`anthropic-unary-${context.upstream.kind}`, unaryScenarios(context.upstream));
        const message = await client(context).messages.create({
          model: context.upstream.alias,
          max_tokens: 200,
          messages: [{ role: 'user', content: `${scripted.marker} Say hello.` }],
        });
        assert.equal(message.type, 'message');
        assert.equal(message.role, 'assistant');
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.model, reportedModel({ dialect: 'anthropic-messages' }, context.upstream));
        assert.deepEqual(
          message.content.map((block) => block.type === 'text' && block.text),
          [unaryAnswer],
        );
        assertUsage(message.usage, expectedUsage(context.upstream, 'unary'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
    {
      name: 'stream cut by max_tokens',
      async run(context) {
        const scripted = context.cases.add(`anthropic-cut-${context.upstream.kind}`, cutScenarios(context.upstream));
        const message = await client(context)
          .messages.stream({
            model: context.upstream.alias,
            max_tokens: smallLimit,
            messages: [{ role: 'user', content: `${scripted.marker} Tell a long story.` }],
          })
          .finalMessage();
        assert.equal(message.stop_reason, 'max_tokens');
        assert.deepEqual(
          message.content.map((block) => block.type === 'text' && block.text),
          [cutAnswer],
        );
        assertUsage(message.usage, expectedUsage(context.upstream, 'cut'));
        assertUpstreamAccepted(context.upstream, scripted, { toolResults: [] });
      },
    },
  ],
};
