import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ResponsesMeter } from './passthrough-meter.ts';
import { providerFixtureUrl } from '../../../test/support/provider-fixtures.ts';

const fixture = (name: string) => readFileSync(providerFixtureUrl('openai-responses', name));

function meterInPieces(bytes: Buffer, size: number): ResponsesMeter {
  const meter = new ResponsesMeter('alias');
  for (let offset = 0; offset < bytes.length; offset += size) meter.push(bytes.subarray(offset, offset + size));
  meter.finish();
  return meter;
}

test('reads the terminal usage exactly however the stream is cut into chunks', () => {
  const bytes = fixture('reasoning-encrypted-then-function-call.sse');
  for (const size of [1, 7, 64, 1000, bytes.length]) {
    const meter = meterInPieces(bytes, size);
    assert.equal(meter.terminal, 'completed', `chunk size ${size}`);
    assert.equal(meter.usage?.reasoningTokens, 448, `chunk size ${size}`);
    assert.ok((meter.usage?.outputTokens ?? 0) > 448);
  }
});

test('a stream cut before its terminal event has no usage and no terminal state', () => {
  const bytes = fixture('function-call.sse');
  const cut = bytes.subarray(0, bytes.indexOf('response.completed') - 20);
  const meter = meterInPieces(cut, 50);
  assert.equal(meter.terminal, undefined);
  assert.equal(meter.usage, undefined);
  assert.ok(meter.outputChars > 0, 'an estimate base remains');
});

test('streams without event: lines and failed streams are recognised', () => {
  const lines = [
    { type: 'response.created', response: { id: 'resp_abc', status: 'in_progress' } },
    { type: 'response.output_text.delta', delta: 'mentions "response.completed" in the text' },
    { type: 'response.failed', response: { id: 'resp_abc', status: 'failed', error: { code: 'server_error', message: 'x' } } },
  ];
  const meter = meterInPieces(Buffer.from(lines.map((line) => `data: ${JSON.stringify(line)}\n\n`).join('')), 13);
  assert.equal(meter.terminal, 'failed');
  assert.match(meter.encodeFailure({ code: 'provider_error', message: 'cut' }), /"id":"resp_abc"/);
});

test('CRLF-framed streams and events spanning many chunks still yield the terminal usage', () => {
  const completed = {
    type: 'response.completed',
    response: {
      id: 'resp_crlf',
      status: 'completed',
      usage: {
        input_tokens: 11,
        input_tokens_details: { cached_tokens: 3 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 18,
      },
    },
  };
  const text = [{ type: 'response.created', response: { id: 'resp_crlf' } }, { type: 'response.output_text.delta', delta: 'x'.repeat(500) }, completed]
    .map((event) => `event: ${event.type}\r\ndata: ${JSON.stringify(event)}\r\n\r\n`)
    .join('');
  for (const size of [1, 5, 97, text.length]) {
    const meter = meterInPieces(Buffer.from(text), size);
    assert.equal(meter.terminal, 'completed', `chunk size ${size}`);
    assert.deepEqual(meter.usage, { inputTokens: 11, cachedInputTokens: 3, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 2 }, `chunk size ${size}`);
  }
});
