import type { ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, ToolDefinition } from '../../../src/core/ir/index.ts';
import { sseEventsOf } from './sse-events-of.ts';
import { emptyRequestFor, exchangeContextFor } from './exchange-context.ts';
import { Warnings } from '../../../src/core/warnings.ts';
import { asClientFixtureName, clientFixtureText } from '../client-fixtures.ts';
import { providerFixtureText } from '../provider-fixtures.ts';

export function readFixture(name: string): string {
  const client = asClientFixtureName(name);
  if (client) return clientFixtureText(...client);
  return providerFixtureText('anthropic-messages', name);
}

export function readJsonFixture<T = unknown>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/**
 * The SSE bytes of a wire fixture. `*.jsonl` files hold one data payload per line (vercel/ai
 * format): they are re-framed with the `event:` line Anthropic sends (= the payload's type).
 */
export function sseTextOf(name: string): string {
  const raw = readFixture(name);
  if (!name.endsWith('.jsonl')) return raw;
  return raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join('');
}

export { sseEventsOf };

/** The JSON payloads of a fixture's events, read independently of the codec. */
export function payloadsOf(name: string): Array<Record<string, any>> {
  return sseEventsOf(sseTextOf(name)).map((event) => JSON.parse(event.data) as Record<string, any>);
}

export function emptyRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return emptyRequestFor('claude-sonnet-4-5', overrides);
}

export function exchangeContext(
  request: ModelRequest = emptyRequest(),
  target: Partial<TargetProfile> = {},
  tools: ToolDefinition[] = request.tools,
): ExchangeContext {
  return exchangeContextFor({ model: 'claude-sonnet-4-5', family: 'anthropic' }, request, target, tools);
}

export function warningCodes(context: { warnings: Warnings }): string[] {
  return context.warnings.list.map((warning) => warning.code);
}
