import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { SseDecoder } from '../src/core/sse-decoder.ts';
import { TRANSLATED_DELTAS } from './mock-dialect-bodies.ts';
import { MOCK_API_KEY, MOCK_TEXT_DELTAS, PACE_MS, PACED_MODEL, startMockUpstream, wantsStream, type MockUpstream } from './mock-upstream.ts';

const streamBody = readFileSync(new URL('./fixtures/codex-request.json', import.meta.url));
const unaryBody = Buffer.from(streamBody.toString('utf8').replace('"stream":true', '"stream":false'));

describe('wantsStream', () => {
  test('reads the top-level stream flag of the Codex request without parsing it', () => {
    assert.equal(wantsStream(streamBody), true);
    assert.equal(wantsStream(unaryBody), false);
  });

  test('accepts whitespace around the colon and ignores an escaped "stream" inside a string', () => {
    assert.equal(wantsStream(Buffer.from('{ "stream" :\n true }')), true);
    assert.equal(wantsStream(Buffer.from('{"input":"say \\"stream\\": true","stream":false}')), false);
    assert.equal(wantsStream(Buffer.from('{"model":"m"}')), false);
  });
});

describe('mock upstream', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream();
  });
  after(async () => {
    await mock.close();
  });

  const post = (body: Buffer, key = MOCK_API_KEY) =>
    request(`${mock.url}/v1/responses`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });

  test('streams a Codex-like Responses event sequence ending in response.completed with usage', async () => {
    const response = await post(streamBody);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    const decoder = new SseDecoder();
    const events = [...decoder.push(Buffer.from(await response.body.arrayBuffer())), ...decoder.finish()];
    const types = events.map((event) => event.event);
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.equal(types.filter((type) => type === 'response.output_text.delta').length, 20);
    assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const payloads = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    assert.deepEqual(
      payloads.map((payload) => payload.type),
      types,
      'event: line and payload type agree',
    );
    assert.deepEqual(
      payloads.map((payload) => payload.sequence_number),
      payloads.map((_, index) => index),
    );
    const deltas = payloads
      .filter((payload) => payload.type === 'response.output_text.delta')
      .map((payload) => payload.delta)
      .join('');
    assert.equal(deltas, MOCK_TEXT_DELTAS.join(''));
    const completed = payloads.at(-1)!.response as { status: string; usage: { input_tokens: number; output_tokens: number } };
    assert.equal(completed.status, 'completed');
    assert.equal(completed.usage.input_tokens, 9412);
    assert.equal(completed.usage.output_tokens, 187);
  });

  test('answers a non-stream request with a complete ~1 KB Response object', async () => {
    const response = await post(unaryBody);
    assert.equal(response.statusCode, 200);
    const text = await response.body.text();
    assert.equal(Number(response.headers['content-length']), Buffer.byteLength(text));
    assert.ok(text.length > 800 && text.length < 2_000, `size ${text.length}`);
    const body = JSON.parse(text) as { object: string; status: string; output: { content: { text: string }[] }[]; usage: { total_tokens: number } };
    assert.equal(body.object, 'response');
    assert.equal(body.status, 'completed');
    assert.equal(body.output[0]!.content[0]!.text, MOCK_TEXT_DELTAS.join(''));
    assert.equal(body.usage.total_tokens, 9599);
  });

  test('rejects a client credential that is not the upstream key and counts it', async () => {
    const before = { ...mock.stats };
    const response = await post(unaryBody, 'sk-bench-client');
    assert.equal(response.statusCode, 401);
    const body = (await response.body.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'invalid_api_key');
    assert.equal(mock.stats.unauthorized, before.unauthorized + 1);
    assert.equal(mock.stats.requests, before.requests + 1);
  });

  test('answers Chat, Anthropic and Gemini streams, each only with its own credential header', async () => {
    const streamOf = async (path: string, headers: Record<string, string>, body: unknown) => {
      const response = await request(`${mock.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      });
      const decoder = new SseDecoder();
      const events =
        response.statusCode === 200 ? [...decoder.push(Buffer.from(await response.body.arrayBuffer())), ...decoder.finish()] : (await response.body.text(), []);
      return { status: response.statusCode, events };
    };
    const chat = await streamOf('/v1/chat/completions', { authorization: `Bearer ${MOCK_API_KEY}` }, { stream: true });
    assert.equal(chat.events.at(-1)!.data, '[DONE]');
    const claude = await streamOf('/v1/messages', { 'x-api-key': MOCK_API_KEY }, { stream: true });
    assert.deepEqual([claude.events[0]!.event, claude.events.at(-1)!.event], ['message_start', 'message_stop']);
    assert.equal(claude.events.length, TRANSLATED_DELTAS.length + 5);
    const gemini = await streamOf('/v1beta/models/bench-model:streamGenerateContent?alt=sse', { 'x-goog-api-key': MOCK_API_KEY }, {});
    assert.equal(gemini.events.length, TRANSLATED_DELTAS.length);
    const texts = gemini.events.map(
      (event) => (JSON.parse(event.data) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text,
    );
    assert.equal(texts.join(''), TRANSLATED_DELTAS.join(''));
    assert.equal((await streamOf('/v1/messages', { authorization: `Bearer ${MOCK_API_KEY}` }, { stream: true })).status, 401);
    assert.equal((await streamOf('/v1beta/models/m:streamGenerateContent', { authorization: `Bearer ${MOCK_API_KEY}` }, {})).status, 401);
  });

  test('paces the stream of the paced model only', async () => {
    const paced = Buffer.from(streamBody.toString('utf8').replace('"model":"bench-model"', `"model":"${PACED_MODEL}"`));
    assert.notDeepEqual(paced, streamBody);
    const time = async (body: Buffer) => {
      const started = performance.now();
      await (await post(body)).body.text();
      return performance.now() - started;
    };
    // 28 events with PACE_MS before each: at least 28 × PACE_MS.
    assert.ok((await time(paced)) >= 28 * PACE_MS);
  });
});
