/**
 * The conversation every SDK case scripts: weather tool calls answered with tool results and
 * then a text answer (streaming), or one text answer (unary). Usage numbers are distinct per
 * step so a mix-up between steps shows; cached tokens only where the provider reports them.
 */
import assert from 'node:assert/strict';
import type { Scenario } from '../../fakes/scenario.ts';
import { requestsOf, type ScriptedCase } from './scripted-cases.ts';
import type { Upstream } from './matrix-upstreams.ts';

export const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] },
} as const;

/** One streamed tool turn: the calls the model makes (one per city), optionally after some text. */
export interface ToolTurn {
  /** Part of the case id. */
  id: string;
  title: string;
  cities: string[];
  lead?: string;
}

export const toolTurns: readonly ToolTurn[] = [
  { id: 'one', title: 'a tool call', cities: ['Paris'] },
  { id: 'parallel', title: 'text and two parallel tool calls', cities: ['Paris', 'Tokyo'], lead: 'Let me check both cities.' },
];

export const weatherOutput = (city: string): string => `sunny in ${city}, 21 C`;
export const finalAnswer = 'It is sunny at 21 degrees.';
export const unaryAnswer = 'Hello from the matrix, in one piece.';
export const cutAnswer = 'This answer stops at the limit';
/** Small on purpose: under the 16 OpenAI Responses accepts, so the gateway must adapt it. */
export const smallLimit = 8;

/** Provider-neutral usage: `input` includes `cached` (scenario.ts). */
export interface ExpectedUsage {
  input: number;
  output: number;
  cached: number;
}

const steps = {
  toolCall: { input: 120, output: 30, cached: 40 },
  answer: { input: 180, output: 12, cached: 100 },
  unary: { input: 50, output: 7, cached: 20 },
  cut: { input: 60, output: 8, cached: 0 },
} as const;

export function expectedUsage(upstream: Upstream, step: keyof typeof steps): ExpectedUsage {
  const usage = steps[step];
  return { ...usage, cached: upstream.reportsCachedTokens ? usage.cached : 0 };
}

function scenarioUsage(usage: ExpectedUsage): Scenario['usage'] {
  return usage.cached > 0 ? { input: usage.input, output: usage.output, cached: usage.cached } : { input: usage.input, output: usage.output };
}

export function toolRoundTripScenarios(upstream: Upstream, turn: ToolTurn): Scenario[] {
  return [
    {
      ...(turn.lead === undefined ? {} : { text: turn.lead }),
      toolCalls: turn.cities.map((city) => ({ name: weatherTool.name, arguments: { city } })),
      usage: scenarioUsage(expectedUsage(upstream, 'toolCall')),
    },
    { text: finalAnswer, usage: scenarioUsage(expectedUsage(upstream, 'answer')) },
  ];
}

export function unaryScenarios(upstream: Upstream): Scenario[] {
  return [{ text: unaryAnswer, usage: scenarioUsage(expectedUsage(upstream, 'unary')) }];
}

export function cutScenarios(upstream: Upstream): Scenario[] {
  return [{ text: cutAnswer, stop: 'length', usage: scenarioUsage(expectedUsage(upstream, 'cut')) }];
}

/**
 * Every upstream request of the case was accepted by the strict emulator (it only hands out a
 * scenario to a request that passed validation), went to the served model, and the last one
 * carried every tool result.
 */
export function assertUpstreamAccepted(upstream: Upstream, scripted: ScriptedCase, options: { toolResults: string[] }): void {
  const requests = requestsOf(upstream.requests, scripted);
  assert.equal(requests.length, scripted.scenarios.length, `${upstream.kind} received ${requests.length} requests for ${scripted.scenarios.length} scenarios`);
  assert.equal(scripted.served, scripted.scenarios.length, `${upstream.kind} accepted ${scripted.served} of ${requests.length} requests`);
  for (const request of requests) {
    const model =
      upstream.kind === 'gemini'
        ? decodeURIComponent(/models\/([^:]+):/.exec(request.url)?.[1] ?? '')
        : upstream.kind === 'bedrock'
          ? decodeURIComponent(/^\/model\/([^/]+)\/converse/.exec(request.url)?.[1] ?? '')
          : request.body.model;
    assert.equal(model, upstream.servedModel, 'the alias is rewritten to the served model');
  }
  if (upstream.kind === 'responses') for (const request of requests) assertKnownItemFields(request.body.input);
  const last = JSON.stringify(requests.at(-1)!.body);
  for (const result of options.toolResults) assert.ok(last.includes(result), `the tool result "${result}" reached the provider`);
}

/** Fields OpenAI accepts on the input items these conversations produce (it rejects any other: "Unknown parameter"). */
const itemFields: Record<string, string[]> = {
  message: ['type', 'id', 'role', 'content', 'status'],
  function_call: ['type', 'id', 'call_id', 'name', 'arguments', 'status'],
  function_call_output: ['type', 'id', 'call_id', 'output', 'status'],
  reasoning: ['type', 'id', 'summary', 'content', 'encrypted_content', 'status'],
};

function assertKnownItemFields(input: unknown): void {
  if (!Array.isArray(input)) return;
  for (const item of input as Array<Record<string, unknown>>) {
    const type = typeof item.type === 'string' ? item.type : 'message';
    const unknown = Object.keys(item).filter((key) => !(itemFields[type] ?? []).includes(key));
    assert.deepEqual(unknown, [], `${type} item with fields OpenAI rejects: ${JSON.stringify(item)}`);
  }
}
