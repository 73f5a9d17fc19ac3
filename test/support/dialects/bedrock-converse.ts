import type { ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, StreamEvent } from '../../../src/core/ir/index.ts';
import { createStreamDecoder } from '../../../src/dialects/bedrock-converse/stream-decoder.ts';
import { createAwsEventStreamReframer } from '../../../src/providers/aws-event-stream.ts';
import { converseToSse } from '../../../src/providers/bedrock-converse-stream.ts';
import { providerFixtureBytes, providerFixtureText } from '../provider-fixtures.ts';
import { emptyRequestFor, exchangeContextFor } from './exchange-context.ts';
import { sseEventsOf } from './sse-events-of.ts';

export const claudeTarget: TargetProfile = { model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', family: 'anthropic' };
export const llamaTarget: TargetProfile = { model: 'us.meta.llama3-3-70b-instruct-v1:0', family: 'openai-compatible' };

export function readJsonFixture<T = any>(name: string): T {
  return JSON.parse(providerFixtureText('bedrock-converse', name)) as T;
}

export function converseContext(request: Partial<ModelRequest> = {}, target: TargetProfile = claudeTarget): ExchangeContext {
  return exchangeContextFor(target, emptyRequestFor(target.model, request));
}

/** SSE text the Bedrock transport makes of ConverseStream members. */
export function converseSse(events: Array<Record<string, unknown>>): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
}

/** Decodes SSE text (or a recorded `.eventstream` fixture, reframed) through the ConverseStream decoder. */
export function decodeConverseStream(source: { sse: string } | { fixture: string }, context: ExchangeContext = converseContext()): StreamEvent[] {
  let text: string;
  if ('sse' in source) text = source.sse;
  else {
    const reframer = createAwsEventStreamReframer('test', converseToSse);
    text = Buffer.concat([reframer.push(providerFixtureBytes('bedrock-converse', source.fixture)), reframer.finish()]).toString('utf8');
  }
  const decoder = createStreamDecoder(context);
  return [...sseEventsOf(text).flatMap((event) => decoder.push(event)), ...decoder.finish()];
}
