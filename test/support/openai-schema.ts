/**
 * OpenAI's published OpenAPI schema as a test oracle: what the translated Responses and Chat
 * paths emit must validate against the `components.schemas` OpenAI itself publishes. The subset
 * lives in test/fixtures/openai-openapi/responses-subset.json (regenerate it with
 * scripts/extract-openai-schema-subset.mjs; its `source.commit` says which schema it is).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
// ajv ships CommonJS; its 2020-12 build is the dialect OpenAPI 3.1 schemas are written in.
const Ajv2020 = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js').default;

interface Subset {
  source: { commit: string };
  schemas: Record<string, Record<string, unknown>>;
}

const SCHEMA_ID = 'https://switchyard.test/openai-openapi.json';

/**
 * Events Switchyard sends on a Responses stream that OpenAI's schema does not list. OpenAI's
 * API does send `keepalive` during long silent phases, but the schema has no member for it
 * (docs/translation-gaps.md).
 */
const UNLISTED_EVENTS = new Set(['keepalive']);

/**
 * Where OpenAI's own API (and the clients built on it) is looser than its schema, the event is
 * brought back to what the schema says before it is validated, one named rule at a time; each
 * rule is written down in docs/translation-gaps.md. Nothing else is relaxed.
 */
const TOLERATED: Array<{ rule: string; apply: (event: Record<string, unknown>) => void }> = [
  {
    // `ResponseErrorCode` lists neither of these, but OpenAI sends them in `response.failed` and
    // Codex classifies a failure by exactly these words (context window, quota, overload).
    rule: 'response.failed error codes Codex classifies',
    apply: (event) => {
      const error = (event.response as { error?: { code?: unknown } } | undefined)?.error;
      if (event.type === 'response.failed' && error && ['context_length_exceeded', 'insufficient_quota', 'server_is_overloaded'].includes(String(error.code))) {
        error.code = 'server_error';
      }
    },
  },
  {
    // OpenAI's own recorded `web_search_call` (test/fixtures/providers/openai-responses/web-search-call.sse)
    // has `{type:"api", name}` sources, a kind the schema does not list (only `url`); the
    // gateway relays such items verbatim.
    rule: 'web_search_call api sources',
    apply: (event) => {
      const items = [event.item, ...(((event.response as { output?: unknown[] } | undefined)?.output ?? []) as unknown[])];
      for (const item of items as Array<{ type?: string; action?: { sources?: Array<Record<string, unknown>> } } | undefined>) {
        if (item?.type !== 'web_search_call') continue;
        if (item.action?.sources) item.action.sources = item.action.sources.filter((source) => source.type !== 'api');
      }
    },
  },
];

let compiled: { events: Map<string, ValidateFunction>; named: Map<string, ValidateFunction>; commit: string } | undefined;

function load(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const subset = JSON.parse(readFileSync(new URL('../fixtures/openai-openapi/responses-subset.json', import.meta.url), 'utf8')) as Subset;
  const schemas = jsonSchemaOf(subset.schemas) as Record<string, Record<string, unknown>>;
  // strict off: OpenAPI keywords (`discriminator`, `x-oaiMeta`, `x-stainless-const`…) are annotations here.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });
  const ref = (name: string) => ajv.compile({ $ref: `${SCHEMA_ID}#/components/schemas/${name}` });
  const events = new Map<string, ValidateFunction>();
  for (const member of (schemas.ResponseStreamEvent?.anyOf ?? []) as Array<{ $ref: string }>) {
    const name = member.$ref.split('/').pop() ?? '';
    const types = ((schemas[name]?.properties as Record<string, { enum?: string[] }> | undefined)?.type?.enum ?? []) as string[];
    const validate = ref(name);
    for (const type of types) events.set(type, validate);
  }
  compiled = { events, named: new Map(), commit: subset.source.commit };
  for (const name of ['Response', 'CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'ErrorResponse', 'CompactResource'])
    compiled.named.set(name, ref(name));
  return compiled;
}

/**
 * OpenAPI 3.0's `nullable: true` (still used in places) as JSON Schema's null alternative. Every
 * other keyword passes through.
 */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'x-oaiMeta') continue;
    out[key] = key === 'properties' || key === '$defs' ? mapValues(value as Record<string, unknown>) : jsonSchemaOf(value);
  }
  if ((node as { nullable?: unknown }).nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

function mapValues(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, jsonSchemaOf(value)]));
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 12)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('\n  ');
}

/** Which OpenAI schema commit the oracle is (for messages). */
export function openAiSchemaCommit(): string {
  return load().commit;
}

/** Errors of one Responses stream event against its `ResponseStreamEvent` member; [] when valid. */
export function responsesEventErrors(event: unknown): string[] {
  const type = (event as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return ['event has no string `type`'];
  if (UNLISTED_EVENTS.has(type)) return [];
  const validate = load().events.get(type);
  if (!validate) return [`\`${type}\` is not a ResponseStreamEvent`];
  const copy = structuredClone(event) as Record<string, unknown>;
  for (const { apply } of TOLERATED) apply(copy);
  return validate(copy) ? [] : [describe(validate.errors)];
}

/** Asserts every event (parsed JSON or SSE `data` strings) is a valid Responses stream event. */
export function assertValidResponsesEvents(events: readonly unknown[], label = 'Responses stream'): void {
  assert.ok(events.length > 0, `${label}: no events to validate`);
  events.forEach((raw, index) => {
    const event = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const errors = responsesEventErrors(event);
    assert.deepEqual(
      errors,
      [],
      `${label}: event ${index} (${(event as { type?: string }).type}) fails OpenAI's schema @${load().commit.slice(0, 7)}:\n  ${errors.join('\n  ')}\n${JSON.stringify(event)}`,
    );
  });
}

export type OpenAiSchemaName = 'Response' | 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'ErrorResponse' | 'CompactResource';

export function openAiSchemaErrors(name: OpenAiSchemaName, value: unknown): string[] {
  const validate = load().named.get(name);
  assert.ok(validate, `no validator for ${name}`);
  return validate(value) ? [] : [describe(validate.errors)];
}

export function assertMatchesOpenAiSchema(name: OpenAiSchemaName, value: unknown, label: string = name): void {
  const errors = openAiSchemaErrors(name, value);
  assert.deepEqual(errors, [], `${label} fails OpenAI's ${name} schema @${load().commit.slice(0, 7)}:\n  ${errors.join('\n  ')}\n${JSON.stringify(value)}`);
}

/**
 * Asserts every Chat Completions stream payload (parsed JSON or SSE `data` strings, `[DONE]`
 * skipped) is valid: a chunk against `CreateChatCompletionStreamResponse`, an in-stream
 * `{"error": …}` (what OpenAI sends when a stream fails) against `ErrorResponse`.
 */
export function assertValidChatChunks(chunks: readonly unknown[], label = 'Chat stream'): void {
  const parsed = chunks.filter((chunk) => chunk !== '[DONE]').map((chunk) => (typeof chunk === 'string' ? JSON.parse(chunk) : chunk));
  assert.ok(parsed.length > 0, `${label}: no chunks to validate`);
  parsed.forEach((chunk, index) => {
    if (chunk && typeof chunk === 'object' && 'error' in chunk && !('choices' in chunk)) {
      assertMatchesOpenAiSchema('ErrorResponse', chunk, `${label}: error payload ${index}`);
      return;
    }
    assertMatchesOpenAiSchema('CreateChatCompletionStreamResponse', withoutCustomToolCallDeltas(chunk, `${label}: chunk ${index}`), `${label}: chunk ${index}`);
  });
}

/**
 * `ChatCompletionMessageToolCallChunk` lists only `function` calls, while the non-stream message
 * allows `custom` ones (`ChatCompletionMessageCustomToolCall`) and OpenAI streams them: a custom
 * call delta is checked for that shape here and left out of the chunk validated against the
 * schema (docs/translation-gaps.md).
 */
function withoutCustomToolCallDeltas(chunk: unknown, label: string): unknown {
  const copy = structuredClone(chunk) as { choices?: Array<{ delta?: { tool_calls?: Array<Record<string, unknown>> } }> };
  for (const choice of copy.choices ?? []) {
    const calls = choice.delta?.tool_calls;
    if (!calls) continue;
    choice.delta!.tool_calls = calls.map((call) => {
      if (call.type !== 'custom') return call;
      const custom = call.custom as Record<string, unknown> | undefined;
      assert.ok(custom && typeof custom === 'object', `${label}: a custom tool call delta carries \`custom\``);
      for (const key of ['name', 'input']) assert.ok(custom[key] === undefined || typeof custom[key] === 'string', `${label}: custom.${key} is a string`);
      assert.equal(typeof call.index, 'number', `${label}: a custom tool call delta has its index`);
      return { index: call.index };
    });
  }
  return copy;
}
