/**
 * The schema oracle itself: the committed subset is complete (every $ref resolves), it rejects
 * what OpenAI's schema rejects, and the examples OpenAI publishes beside its own schema are
 * checked too — the ones that fail are listed here and in docs/translation-gaps.md, so a new
 * schema version that fixes (or breaks) them shows up.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openAiSchemaCommit, openAiSchemaErrors, responsesEventErrors } from '../support/openai-schema.ts';

const subset = JSON.parse(readFileSync(new URL('../fixtures/openai-openapi/responses-subset.json', import.meta.url), 'utf8')) as {
  source: { commit: string };
  roots: string[];
  schemas: Record<string, { anyOf?: Array<{ $ref: string }>; 'x-oaiMeta'?: { example?: string } }>;
};

describe('OpenAI schema oracle', () => {
  test('the committed subset names its source commit and resolves every $ref', () => {
    assert.match(subset.source.commit, /^[0-9a-f]{40}$/);
    assert.equal(openAiSchemaCommit(), subset.source.commit);
    for (const root of subset.roots) assert.ok(subset.schemas[root], root);
    const refs = JSON.stringify(subset.schemas).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    const missing = [...new Set(refs.map((ref) => ref.slice(22, -1)))].filter((name) => !(name in subset.schemas));
    assert.deepEqual(missing, []);
  });

  test('it rejects what the schema rejects', () => {
    const done = { type: 'response.function_call_arguments.done', sequence_number: 3, item_id: 'fc_1', output_index: 0, arguments: '{}' };
    assert.notDeepEqual(responsesEventErrors(done), [], 'name is required');
    assert.deepEqual(responsesEventErrors({ ...done, name: 'shell' }), []);
    assert.notDeepEqual(responsesEventErrors({ type: 'response.made_up', sequence_number: 0 }), []);
    assert.notDeepEqual(responsesEventErrors({ type: 'error', sequence_number: 0, error: { message: 'x' } }), [], 'top-level code/message/param');
    const completion = { id: 'x', object: 'chat.completion', created: 1, model: 'm' };
    const choice = { index: 0, message: { role: 'assistant', content: 'x', refusal: null }, logprobs: null, finish_reason: 'stop' };
    assert.deepEqual(openAiSchemaErrors('CreateChatCompletionResponse', { ...completion, choices: [choice] }), []);
    assert.notDeepEqual(openAiSchemaErrors('CreateChatCompletionResponse', { ...completion, choices: [{ ...choice, finish_reason: 'refusal' }] }), []);
  });

  test("OpenAI's own examples: the stream events that fail its schema are exactly these", () => {
    const failing: string[] = [];
    let checked = 0;
    for (const member of subset.schemas.ResponseStreamEvent?.anyOf ?? []) {
      const name = member.$ref.split('/').pop()!;
      const example = subset.schemas[name]?.['x-oaiMeta']?.example;
      if (example === undefined) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(example);
      } catch {
        failing.push(`${name} (not JSON)`);
        continue;
      }
      checked++;
      if (responsesEventErrors(parsed).length > 0) failing.push(name);
    }
    assert.ok(checked >= 40, `${checked} examples checked`);
    assert.deepEqual(failing.sort(), [
      'ResponseCompletedEvent',
      'ResponseContentPartAddedEvent',
      'ResponseContentPartDoneEvent',
      'ResponseCreatedEvent',
      'ResponseCustomToolCallInputDeltaEvent',
      'ResponseCustomToolCallInputDoneEvent',
      'ResponseFailedEvent',
      'ResponseFunctionCallArgumentsDeltaEvent (not JSON)',
      'ResponseInProgressEvent',
      'ResponseIncompleteEvent',
      'ResponseOutputItemDoneEvent',
      'ResponseQueuedEvent',
      'ResponseTextDeltaEvent',
      'ResponseTextDoneEvent',
    ]);
  });
});
