// Proves the Gemini emulator streams the recorded framing (`data: …\r\n\r\n`, `": "` spacing,
// finishReason only on the last chunk, Gemini 3's closing empty text part), that its thought
// signatures survive a faithful replay and nothing else does, and that errors use Google's shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFixture } from '../support/client-fixtures.ts';
import { startGeminiEmulator, type GeminiEmulatorOptions } from './gemini-emulator.ts';
import { postJson, type PostResult } from './post-json.ts';
import { readSseFrames } from './read-sse-frames.ts';
import type { Scenario } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const key = { 'x-goog-api-key': 'gemini-upstream-test' };
const weather = { name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } };
const tools = [{ functionDeclarations: [weather] }];
const ask = { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] };
const answer = (count: number) => ({
  role: 'user',
  parts: Array.from({ length: count }, () => ({ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } })),
});
const twoCalls: Scenario = {
  toolCalls: [
    { name: 'get_weather', arguments: { city: 'Paris' } },
    { name: 'get_weather', arguments: { city: 'Rome' } },
  ],
};

type Emulated = { base: string; stream(model: string, body: unknown): Promise<any[]>; generate(model: string, body: unknown): Promise<PostResult> };

async function withEmulator(
  respond: GeminiEmulatorOptions['respond'],
  run: (emulated: Emulated) => Promise<void>,
  options: Partial<GeminiEmulatorOptions> = {},
) {
  const emulator = await startGeminiEmulator({ respond, ...options });
  const base = `${emulator.url}/v1beta/models`;
  try {
    await run({
      base,
      async stream(model, body) {
        const result = await postJson(`${base}/${model}:streamGenerateContent?alt=sse`, body, key);
        assert.equal(result.status, 200, result.text);
        assert.equal(result.headers.get('content-type'), 'text/event-stream');
        assert.ok(result.text.endsWith('\r\n\r\n'), 'frames end with CRLF CRLF');
        assert.ok(!/(?<!\r)\n\n/.test(result.text), 'no bare LF frame separators');
        return readSseFrames(result.text).map((frame) => JSON.parse(frame.data));
      },
      generate: (model, body) => postJson(`${base}/${model}:generateContent`, body, key),
    });
  } finally {
    await emulator.close();
  }
}

const partsOf = (chunks: any[]) => chunks.flatMap((chunk) => chunk.candidates[0].content.parts ?? []);
/** The model turn a faithful client replays: every non-thought part, signatures untouched. */
const modelTurn = (chunks: any[]) => ({
  role: 'model',
  parts: partsOf(chunks).filter((part) => !part.thought && !(part.text === '' && !part.thoughtSignature)),
});
const fixture = async (name: string) => providerFixtureText('gemini', name);

describe('Gemini emulator streams', () => {
  test('text: recorded framing, text split over chunks, STOP only on the last chunk, Gemini 3 closing part signed', async () => {
    await withEmulator([{ text: 'The capital of France is Paris.' }], async ({ base }) => {
      const result = await postJson(`${base}/gemini-3-pro-preview:streamGenerateContent?alt=sse`, { contents: [ask] }, key);
      const recorded = await fixture('text-stream.sse');
      for (const text of [result.text, recorded]) assert.match(text, /^data: \{"candidates": \[\{"content": \{"parts": \[\{"text": "/);
      const chunks = readSseFrames(result.text).map((frame) => JSON.parse(frame.data));
      assert.ok(chunks.length >= 3);
      assert.equal(
        partsOf(chunks)
          .map((part) => part.text)
          .join(''),
        'The capital of France is Paris.',
      );
      assert.deepEqual(
        chunks.map((chunk) => chunk.candidates[0].finishReason ?? null),
        [...chunks.slice(1).map(() => null), 'STOP'],
      );
      assert.equal(new Set(chunks.map((chunk) => chunk.responseId)).size, 1);
      assert.ok(chunks.every((chunk) => chunk.modelVersion === 'gemini-3-pro-preview'));
      const recordedLast = JSON.parse((await fixture('text-thought-signature-on-empty-part.jsonl')).trim().split('\n').at(-1)!);
      const last = chunks.at(-1);
      assert.deepEqual(Object.keys(last.candidates[0].content.parts[0]), Object.keys(recordedLast.candidates[0].content.parts[0]));
      assert.equal(last.candidates[0].content.parts[0].text, '');
      assert.match(last.candidates[0].content.parts[0].thoughtSignature, /^[A-Za-z0-9+/]+=*$/);
    });
  });

  test('function calls: whole parts with args objects and no id, first call signed, then {text:""} + STOP as recorded', async () => {
    await withEmulator([twoCalls], async ({ stream }) => {
      const chunks = await stream('gemini-3-pro-preview', { contents: [ask], tools });
      const recorded = readSseFrames(await fixture('function-call-thought-signature.sse')).map((frame) => JSON.parse(frame.data));
      const shape = (list: any[]) => list.map((chunk) => chunk.candidates[0].content.parts.map((part: any) => Object.keys(part).sort().join('+')).join(','));
      assert.deepEqual(shape(chunks), ['functionCall+thoughtSignature,functionCall', ...shape(recorded).slice(1)]);
      assert.equal(shape(recorded)[0], 'functionCall+thoughtSignature');
      const [first, second] = partsOf(chunks);
      assert.deepEqual(first.functionCall, { name: 'get_weather', args: { city: 'Paris' } });
      assert.deepEqual(second.functionCall, { name: 'get_weather', args: { city: 'Rome' } });
      assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
    });
  });

  test('thoughts appear as {text, thought:true} only with includeThoughts; thoughtsTokenCount either way', async () => {
    const scenario = { reasoning: { text: 'The user wants a greeting.' }, text: 'Hello!' };
    await withEmulator([scenario, scenario], async ({ stream }) => {
      const withThoughts = await stream('gemini-3-flash-preview', {
        contents: [ask],
        generationConfig: { thinkingConfig: { includeThoughts: true, thinkingLevel: 'low' } },
      });
      const thoughts = partsOf(withThoughts).filter((part) => part.thought === true);
      assert.equal(thoughts.map((part) => part.text).join(''), 'The user wants a greeting.');
      assert.equal(
        partsOf(withThoughts).findIndex((part) => part.thought),
        0,
        'thoughts come first',
      );
      const recorded = readSseFrames(await fixture('thoughts-include-thoughts.sse')).map((frame) => JSON.parse(frame.data));
      assert.deepEqual(Object.keys(thoughts[0]).sort(), Object.keys(recorded[0].candidates[0].content.parts[0]).sort());
      const silent = await stream('gemini-3-flash-preview', { contents: [ask] });
      assert.ok(!partsOf(silent).some((part) => part.thought));
      assert.ok(silent[0].usageMetadata.thoughtsTokenCount > 0);
    });
  });

  test('Gemini 2.5 with thinkingBudget 0 does not think or sign; 2.x puts STOP on the last text chunk', async () => {
    await withEmulator(
      [{ reasoning: { text: 'hidden' }, text: 'Plain answer here.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }],
      async ({ stream }) => {
        const chunks = await stream('gemini-2.5-flash', { contents: [ask], tools, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } });
        assert.ok(chunks.every((chunk) => chunk.usageMetadata.thoughtsTokenCount === undefined));
        assert.ok(!partsOf(chunks).some((part) => 'thoughtSignature' in part));
        assert.ok(chunks.at(-1).candidates[0].content.parts[0].functionCall, 'no closing empty part before Gemini 3');
        assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
      },
    );
  });

  test('usage: promptTokenCount includes cached, candidates exclude thoughts, cumulative and totalled', async () => {
    await withEmulator(
      [{ reasoning: { text: 'think' }, text: 'one two three four five six', usage: { input: 100, cached: 40, output: 30, reasoning: 12 } }],
      async ({ stream }) => {
        const chunks = await stream('gemini-3-pro-preview', { contents: [ask] });
        const usage = chunks.map((chunk) => chunk.usageMetadata);
        const final = usage.at(-1);
        assert.deepEqual(
          [final.promptTokenCount, final.cachedContentTokenCount, final.candidatesTokenCount, final.thoughtsTokenCount, final.totalTokenCount],
          [100, 40, 18, 12, 130],
        );
        const candidates = usage.map((entry) => entry.candidatesTokenCount ?? 0);
        assert.deepEqual(
          candidates,
          [...candidates].sort((left, right) => left - right),
          'cumulative',
        );
        assert.ok(candidates[0]! < 18);
      },
    );
  });

  test("stop 'length': MAX_TOKENS and the cut-off last call is never emitted", async () => {
    await withEmulator([{ ...twoCalls, stop: 'length' }], async ({ stream }) => {
      const chunks = await stream('gemini-3-pro-preview', { contents: [ask], tools });
      assert.equal(partsOf(chunks).filter((part) => part.functionCall).length, 1);
      assert.equal(chunks.at(-1).candidates[0].finishReason, 'MAX_TOKENS');
    });
  });

  test('midStreamError: the stream just ends after N chunks and no chunk has a finishReason', async () => {
    await withEmulator([{ text: 'a b c d e f g h', midStreamError: { afterEvents: 2, type: 'server_error', message: 'boom' } }], async ({ stream }) => {
      const chunks = await stream('gemini-3-pro-preview', { contents: [ask] });
      assert.equal(chunks.length, 2);
      assert.ok(chunks.every((chunk) => chunk.candidates[0].finishReason === undefined));
    });
  });

  test('without alt=sse the stream is a JSON array; generateContent answers one merged response', async () => {
    await withEmulator(
      [{ text: 'Array stream.' }, { reasoning: { text: 'plan' }, text: 'Merged.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Nice"}' }] }],
      async ({ base, generate }) => {
        const array = await postJson(`${base}/gemini-3-pro-preview:streamGenerateContent`, { contents: [ask] }, key);
        assert.match(array.headers.get('content-type') ?? '', /^application\/json/);
        assert.ok(Array.isArray(array.json) && array.json.length > 1);
        assert.equal(
          partsOf(array.json)
            .map((part: any) => part.text)
            .join(''),
          'Array stream.',
        );
        const merged = await generate('gemini-3-pro-preview', { contents: [ask], tools, generationConfig: { thinkingConfig: { includeThoughts: true } } });
        assert.equal(merged.status, 200);
        const parts = merged.json.candidates[0].content.parts;
        assert.deepEqual(
          parts.map((part: any) => Object.keys(part).sort().join('+')),
          ['text+thought', 'text', 'functionCall+thoughtSignature'],
        );
        assert.deepEqual(parts[2].functionCall.args, { city: 'Nice' });
        assert.equal(merged.json.candidates[0].finishReason, 'STOP');
      },
    );
  });
});

describe('Gemini thought signatures', () => {
  const model = 'gemini-3-pro-preview';
  const followUp = (turn: any) => ({ contents: [ask, turn, answer(turn.parts.filter((part: any) => part.functionCall).length)], tools });

  test('a faithful replay passes; a missing signature fails with the position message; the dummy passes; a forged one is corrupted', async () => {
    await withEmulator(
      () => twoCalls,
      async ({ stream, generate }) => {
        const turn = modelTurn(await stream(model, { contents: [ask], tools }));
        assert.equal(turn.parts.filter((part: any) => part.thoughtSignature).length, 1, 'only the first parallel call is signed');
        assert.equal((await generate(model, followUp(turn))).status, 200);

        const unsigned = structuredClone(turn);
        delete unsigned.parts[0].thoughtSignature;
        const missing = await generate(model, followUp(unsigned));
        assert.equal(missing.status, 400);
        assert.deepEqual(missing.json, {
          error: {
            code: 400,
            message:
              'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
            status: 'INVALID_ARGUMENT',
          },
        });

        unsigned.parts[0].thoughtSignature = 'skip_thought_signature_validator';
        assert.equal((await generate(model, followUp(unsigned))).status, 200);
        unsigned.parts[0].thoughtSignature = 'context_engineering_is_the_way_to_go';
        assert.equal((await generate(model, followUp(unsigned))).status, 200);

        const forged = structuredClone(turn);
        forged.parts[0].thoughtSignature = Buffer.from('a signature this emulator never issued').toString('base64');
        const corrupted = await generate(model, followUp(forged));
        assert.equal(corrupted.status, 400);
        assert.deepEqual(corrupted.json.error, { code: 400, message: 'Corrupted thought signature.', status: 'INVALID_ARGUMENT' });

        const urlSafe = structuredClone(turn);
        urlSafe.parts[0].thoughtSignature = turn.parts[0].thoughtSignature.replace(/\+/g, '-').replace(/\//g, '_');
        assert.equal((await generate(model, followUp(urlSafe))).status, 200, 'base64url re-encoding is the same bytes');
      },
    );
  });

  test('every step of the current tool loop is checked (position 4); turns before the last user text are not', async () => {
    await withEmulator(
      () => twoCalls,
      async ({ stream, generate }) => {
        const first = modelTurn(await stream(model, { contents: [ask], tools }));
        const second = modelTurn(await stream(model, { contents: [ask, first, answer(2)], tools }));
        const unsignedSecond = structuredClone(second);
        delete unsignedSecond.parts[0].thoughtSignature;
        const loop = await generate(model, { contents: [ask, first, answer(2), unsignedSecond, answer(2)], tools });
        assert.equal(loop.status, 400);
        assert.match(loop.json.error.message, /function call `default_api:get_weather` , position 4\./);

        const unsignedFirst = structuredClone(first);
        delete unsignedFirst.parts[0].thoughtSignature;
        const newTurn = { role: 'user', parts: [{ text: 'And tomorrow?' }] };
        assert.equal((await generate(model, { contents: [ask, unsignedFirst, answer(2), newTurn], tools })).status, 200);
        assert.equal((await generate('gemini-2.5-pro', followUp(unsignedFirst))).status, 200, 'Gemini 2.5 does not enforce signatures');
      },
    );
  });

  test('the recorded pydantic-ai replay carries a foreign signature: corrupted here, accepted with the dummy', async () => {
    const recorded = JSON.parse(await fixture('function-response-with-thought-signature.request.json'));
    await withEmulator(
      () => ({ text: 'Mexico City.' }),
      async ({ generate }) => {
        const foreign = await generate(model, recorded);
        assert.equal(foreign.status, 400);
        assert.equal(foreign.json.error.message, 'Corrupted thought signature.');
        recorded.contents[1].parts[0].thoughtSignature = 'skip_thought_signature_validator';
        const dummy = await generate(model, recorded);
        assert.equal(dummy.status, 200, dummy.text);
        assert.equal(dummy.json.candidates[0].content.parts[0].text, 'Mexico City.');
      },
    );
  });
});

describe('Gemini emulator errors and extras', () => {
  test('scripted 429 carries QuotaFailure + RetryInfo (retry-after moves into retryDelay); 503 UNAVAILABLE', async () => {
    const respond = [
      { error: { status: 429, headers: { 'retry-after': '12' } } },
      { error: { status: 503 } },
      { error: { status: 400, message: 'Bad thing.' } },
    ];
    await withEmulator(respond, async ({ generate }) => {
      const limited = await generate('gemini-3-pro-preview', { contents: [ask] });
      const recorded = JSON.parse(await fixture('error-429-resource-exhausted.json'));
      assert.equal(limited.status, 429);
      assert.deepEqual(Object.keys(limited.json.error), Object.keys(recorded.error));
      assert.equal(limited.json.error.status, 'RESOURCE_EXHAUSTED');
      assert.deepEqual(
        limited.json.error.details.map((detail: any) => detail['@type']),
        recorded.error.details.map((detail: any) => detail['@type']),
      );
      assert.equal(limited.json.error.details[1].retryDelay, '12s');
      assert.equal(limited.headers.get('retry-after'), null);
      const overloaded = await generate('gemini-3-pro-preview', { contents: [ask] });
      assert.equal(overloaded.status, 503);
      assert.deepEqual(overloaded.json.error, { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' });
      const invalid = await generate('gemini-3-pro-preview', { contents: [ask] });
      assert.deepEqual(invalid.json.error, { code: 400, message: 'Bad thing.', status: 'INVALID_ARGUMENT' });
    });
  });

  test('knownModels: the recorded 404, labelled text/event-stream on the alt=sse route', async () => {
    await withEmulator(
      [],
      async ({ base }) => {
        const result = await postJson(`${base}/custom-gemini-2.0-flash:streamGenerateContent?alt=sse`, { contents: [ask] }, key);
        const recorded = JSON.parse(await fixture('error-404-not-found.recording.json')).interactions[0].response;
        assert.equal(result.status, recorded.statusCode);
        assert.equal(result.headers.get('content-type'), recorded.headers['Content-Type']);
        assert.deepEqual(result.json, recorded.bodySegments[0]);
      },
      { knownModels: ['gemini-3-pro-preview'] },
    );
  });

  test('countTokens answers totalTokens without consuming the queue; undeclared tools and an empty queue are 500s', async () => {
    await withEmulator([{ toolCalls: [{ name: 'ghost', arguments: {} }] }], async ({ base, generate }) => {
      const counted = await postJson(`${base}/gemini-3-pro-preview:countTokens`, { contents: [{ role: 'user', parts: [{ text: 'x'.repeat(400) }] }] }, key);
      assert.equal(counted.status, 200);
      assert.ok(counted.json.totalTokens >= 100 && counted.json.totalTokens < 130, String(counted.json.totalTokens));
      const ghost = await generate('gemini-3-pro-preview', { contents: [ask] });
      assert.equal(ghost.status, 500);
      assert.match(ghost.json.error.message, /tool 'ghost' that the request did not declare/);
      const empty = await generate('gemini-3-pro-preview', { contents: [ask] });
      assert.equal(empty.json.error.status, 'INTERNAL');
    });
  });

  test('the captured Gemini CLI requests (router generateContent and agent stream) are accepted', async () => {
    await withEmulator(
      () => ({ text: '{"complexity_reasoning":"trivial","complexity_score":1}' }),
      async ({ base }) => {
        for (const name of [
          '001-POST_v1beta_models_gemini_3_5_flash_lite_generateContent.json',
          '002-POST_v1beta_models_gemini_3_1_pro_preview_streamGenerateContent_alt_sse.json',
        ]) {
          const captured = clientFixture('gemini-cli', name);
          const result = await postJson(`${base.replace(/\/v1beta\/models$/, '')}${captured.url}`, captured.body, {
            'x-goog-api-key': captured.headers['x-goog-api-key'],
          });
          assert.equal(result.status, 200, `${name}: ${result.text}`);
        }
      },
      { apiKey: 'gem-test-123' },
    );
  });
});
