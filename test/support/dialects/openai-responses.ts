/** Shared by this folder's tests only: fixture loading and contexts. */
import assert from 'node:assert/strict';
import type { ClientContext, ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, StreamEvent } from '../../../src/core/ir/index.ts';
import { SseDecoder, type SseEvent } from '../../../src/core/sse-decoder.ts';
import { ToolNameMap } from '../../../src/core/tool-names.ts';
import { Warnings } from '../../../src/core/warnings.ts';
import { asClientFixtureName, clientFixture, clientFixturePaths, clientFixtureText } from '../client-fixtures.ts';
import type { StreamStateMachine } from '../../../src/core/ir/index.ts';
import { providerFixtureText } from '../provider-fixtures.ts';

export function fixtureText(name: string): string {
  const client = asClientFixtureName(name);
  if (client) return clientFixtureText(...client);
  return providerFixtureText('openai-responses', name);
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** Every captured Codex request body, named `<capture>/<file>`. */
export function codexCaptures(): Array<{ name: string; body: Record<string, unknown> }> {
  return clientFixturePaths('codex').map((name) => ({ name, body: clientFixture<{ body: Record<string, unknown> }>('codex', name).body }));
}

/** The SSE events of a fixture: `.sse` parsed as bytes, `.jsonl` re-wrapped with `event:` lines. */
export function fixtureSseEvents(name: string): SseEvent[] {
  const text = fixtureText(name);
  if (name.endsWith('.jsonl')) {
    return text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => ({ event: (JSON.parse(line) as { type: string }).type, data: line }));
  }
  const decoder = new SseDecoder();
  return [...decoder.push(text), ...decoder.finish()];
}

export function target(overrides: Partial<TargetProfile> = {}): TargetProfile {
  return { model: 'gpt-upstream', family: 'openai', ...overrides };
}

export function exchangeContext(request: ModelRequest, overrides: Partial<TargetProfile> = {}): ExchangeContext {
  return { request, target: target(overrides), toolNames: ToolNameMap.fromTools(request.tools), warnings: new Warnings() };
}

export function minimalRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: 'm', system: [], messages: [], tools: [], stream: true, extensions: {}, ...overrides };
}

export function clientContext(overrides: Partial<ClientContext> = {}): ClientContext {
  return { requestedModel: 'codex-alias', request: minimalRequest(), warnings: new Warnings(), requestId: 'req1', ...overrides };
}

export function run<In, Out>(machine: StreamStateMachine<In, Out>, inputs: readonly In[]): Out[] {
  const out: Out[] = [];
  for (const input of inputs) out.push(...machine.push(input));
  out.push(...machine.finish());
  return out;
}

/** Parses the encoder's SSE text back into `{event, data}` pairs. */
export function parseSse(frames: readonly string[]): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const decoder = new SseDecoder();
  const events = [...decoder.push(frames.join('')), ...decoder.finish()];
  return events.map((event) => ({ event: event.event, data: JSON.parse(event.data) as Record<string, unknown> }));
}

/** The full response object a recorded stream ends with: what a non-stream call returns. */
export function completedResponse(name: string): Record<string, unknown> {
  const event = fixtureSseEvents(name).find((entry) => entry.event === 'response.completed');
  assert.ok(event);
  return (JSON.parse(event.data) as { response: Record<string, unknown> }).response;
}

export type { StreamEvent };
