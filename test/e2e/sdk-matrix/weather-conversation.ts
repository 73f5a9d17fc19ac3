/**
 * The conversation every SDK case scripts: a weather tool call answered with a tool result and
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

export const weatherArguments = { city: 'Paris' };
export const weatherOutput = 'sunny, 21 C';
export const finalAnswer = 'It is sunny in Paris at 21 degrees.';
export const unaryAnswer = 'Hello from the matrix, in one piece.';

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
} as const;

export function expectedUsage(upstream: Upstream, step: keyof typeof steps): ExpectedUsage {
  const usage = steps[step];
  return { ...usage, cached: upstream.reportsCachedTokens ? usage.cached : 0 };
}

function scenarioUsage(usage: ExpectedUsage): Scenario['usage'] {
  return usage.cached > 0 ? { input: usage.input, output: usage.output, cached: usage.cached } : { input: usage.input, output: usage.output };
}

export function toolRoundTripScenarios(upstream: Upstream): Scenario[] {
  return [
    { toolCalls: [{ name: weatherTool.name, arguments: weatherArguments }], usage: scenarioUsage(expectedUsage(upstream, 'toolCall')) },
    { text: finalAnswer, usage: scenarioUsage(expectedUsage(upstream, 'answer')) },
  ];
}

export function unaryScenarios(upstream: Upstream): Scenario[] {
  return [{ text: unaryAnswer, usage: scenarioUsage(expectedUsage(upstream, 'unary')) }];
}

/**
 * Every upstream request of the case was accepted by the strict emulator (it only hands out a
 * scenario to a request that passed validation), went to the served model, and the last one
 * carried the tool result when there was one.
 */
export function assertUpstreamAccepted(upstream: Upstream, scripted: ScriptedCase, options: { toolResult: boolean }): void {
  const requests = requestsOf(upstream.requests, scripted);
  assert.equal(requests.length, scripted.scenarios.length, `${upstream.kind} received ${requests.length} requests for ${scripted.scenarios.length} scenarios`);
  assert.equal(scripted.served, scripted.scenarios.length, `${upstream.kind} accepted ${scripted.served} of ${requests.length} requests`);
  for (const request of requests) {
    const model = upstream.kind === 'gemini' ? decodeURIComponent(/models\/([^:]+):/.exec(request.url)?.[1] ?? '') : request.body.model;
    assert.equal(model, upstream.servedModel, 'the alias is rewritten to the served model');
  }
  if (options.toolResult) assert.ok(JSON.stringify(requests.at(-1)!.body).includes(weatherOutput), 'the tool result reached the provider');
}
