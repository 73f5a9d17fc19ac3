import type { ClientContext, ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, StreamStateMachine } from '../../../src/core/ir/index.ts';
import type { SseEvent } from '../../../src/core/sse-decoder.ts';
import { sseEventsOf } from './sse-events-of.ts';
import { ToolNameMap } from '../../../src/core/tool-names.ts';
import { Warnings } from '../../../src/core/warnings.ts';
import { asClientFixtureName, clientFixture, clientFixturePaths, clientFixtureText } from '../client-fixtures.ts';
import { providerFixtureText } from '../provider-fixtures.ts';

export function fixtureText(name: string): string {
  const client = asClientFixtureName(name);
  if (client) return clientFixtureText(...client);
  return providerFixtureText('openai-chat', name);
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/**
 * The SSE events of a recorded stream, read through the real SSE decoder in small chunks.
 * `.jsonl` / `.ndjson.txt` files hold one data payload per line (no `data:` prefix).
 */
export function fixtureEvents(name: string, chunkSize = 37): SseEvent[] {
  let text = fixtureText(name);
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson.txt')) {
    text = text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => `data: ${line}\n\n`)
      .join('');
  }
  return sseEventsOf(text, chunkSize);
}

/** Every captured Codex request body, named `<capture>/<file>`. */
export function codexCaptures(): Array<{ name: string; body: Record<string, unknown> }> {
  return clientFixturePaths('codex').map((name) => ({ name, body: clientFixture<{ body: Record<string, unknown> }>('codex', name).body }));
}

export function minimalRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: 'm', system: [], messages: [], tools: [], stream: true, extensions: {}, ...overrides };
}

export function exchangeContext(request: ModelRequest = minimalRequest(), target: Partial<TargetProfile> = {}): ExchangeContext {
  return {
    request,
    target: { model: 'qwen3-coder', family: 'openai-compatible', ...target },
    toolNames: ToolNameMap.fromTools(request.tools),
    warnings: new Warnings(),
  };
}

export function clientContext(request: ModelRequest = minimalRequest(), overrides: Partial<ClientContext> = {}): ClientContext {
  return { requestedModel: 'chat-alias', request, warnings: new Warnings(), requestId: 'req1', ...overrides };
}

export function warningCodes(context: { warnings: Warnings }): string[] {
  return context.warnings.list.map((warning) => warning.code);
}

export function run<In, Out>(machine: StreamStateMachine<In, Out>, inputs: readonly In[]): Out[] {
  const out: Out[] = [];
  for (const input of inputs) out.push(...machine.push(input));
  out.push(...machine.finish());
  return out;
}
