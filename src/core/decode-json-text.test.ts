import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { decodeJsonText } from './decode-json-text.ts';

/** What JSON.parse makes of a text: the value, or that it failed. */
function outcome(text: string): { value: unknown } | 'invalid' {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return 'invalid';
  }
}

function sameAsPlainDecode(bytes: Buffer, label: string): void {
  assert.deepEqual(outcome(decodeJsonText(bytes)), outcome(bytes.toString('utf8')), label);
}

test('the captured Codex body parses to the same value', () => {
  const raw = readFileSync(new URL('../../bench/fixtures/codex-request.json', import.meta.url));
  assert.ok(
    raw.some((byte) => byte >= 0x80),
    'the fixture has non-ASCII characters',
  );
  sameAsPlainDecode(raw, 'codex body');
});

test('non-ASCII in strings, keys, outside strings, after backslashes, malformed UTF-8 and astral characters parse (or fail) as the plain decode', () => {
  const cases = [
    '{"a":"café — ünïcödé"}',
    '{"ключ":"значение","emoji":"😀👍🏽","cjk":"漢字かな"}',
    '{"a":1é}',
    '{é:1}',
    '{"a":"\\é"}',
    '{"a":"\\\\é"}',
    '{"a":"\\u00é"}',
    '{"a":"x"}\u00a0',
    '\u00a0{"a":1}',
    '["\u2028\u2029"]',
    '"😀"',
  ];
  for (const text of cases) sameAsPlainDecode(Buffer.from(text), text);
  const malformed = [
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82]), Buffer.from('x"}')]),
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from([0xf0, 0x9f, 0x98, 0x80]), Buffer.from('"}')]),
  ];
  for (const bytes of malformed) sameAsPlainDecode(bytes, bytes.toString('hex'));
});

test('random JSON-ish bytes (seeded): the same outcome as the plain decode, at any alignment in a shared buffer', () => {
  const random = seededRandom(21);
  const pieces = ['{', '}', '[', ']', '"', '\\', ':', ',', 'a', '1', ' ', 'é', '—', '😀', '\\u00e9', 'true', 'null'];
  const raw = [[0xff], [0xc3], [0xe2, 0x82], [0x80]];
  for (let round = 0; round < 3000; round++) {
    const parts: Buffer[] = [];
    const length = 1 + Math.floor(random() * 24);
    for (let index = 0; index < length; index++) {
      parts.push(random() < 0.08 ? Buffer.from(raw[Math.floor(random() * raw.length)]!) : Buffer.from(pieces[Math.floor(random() * pieces.length)]!));
    }
    // Half of them valid-looking: a string holding the pieces.
    const body = random() < 0.5 ? Buffer.concat([Buffer.from('{"k":"'), ...parts, Buffer.from('"}')]) : Buffer.concat(parts);
    // A view at an odd offset of a larger buffer, as a pooled Buffer is.
    const offset = Math.floor(random() * 7);
    const pool = Buffer.alloc(body.length + offset + 3);
    body.copy(pool, offset);
    sameAsPlainDecode(pool.subarray(offset, offset + body.length), body.toString('hex'));
  }
});

test('many non-ASCII characters take the plain decode (escaping them all would cost more)', () => {
  const text = JSON.stringify({ text: '漢'.repeat(5000) });
  assert.equal(decodeJsonText(Buffer.from(text)), text);
});
