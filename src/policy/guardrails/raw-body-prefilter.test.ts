import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../test/support/seeded-random.ts';
import { negatives } from '../../../test/fixtures/guardrails/negatives.ts';
import { positives } from '../../../test/fixtures/guardrails/read-positives.ts';
import { piiAndInjectionPositives } from '../../../test/fixtures/guardrails/pii-and-injection.ts';
import type { GuardrailCategory } from './finding.ts';
import { rawBodyMayHaveFindings, scanTexts, withoutLookarounds } from './scan-texts.ts';

const all = new Set<GuardrailCategory>(['secrets', 'pii', 'injection']);
const json = (text: string) => JSON.stringify({ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: text }] });
const body = (text: string) => Buffer.from(json(text));

async function findsSomething(text: string, categories: ReadonlySet<GuardrailCategory>): Promise<boolean> {
  const { findings } = await scanTexts([{ text, location: 'x', source: 'tool-output' }], { categories, maxScanChars: 1 << 24, cache: false });
  return findings.length > 0;
}

test('a body whose texts have a finding is never skipped: corpus positives, and fuzz with characters JSON escapes', async () => {
  const texts = [...positives().map((item) => item.text), ...piiAndInjectionPositives.map((item) => item.text)];
  const random = seededRandom(1404);
  const fragments = [
    'Bearer\t',
    'Bearer ',
    'abcdefghijklmnopqrstuvwx0123456789ABCD',
    'password="',
    'Tr0ub4dor&3xK9q',
    '"',
    '\n',
    '\\',
    '\tDE89 3704 0044 0532 0130 00',
    '\n4111 1111 1111 1111',
    '\n078-05-1120',
    'https://user:s3cr3tPa55@db.example.org',
    'ignore\nprevious\ninstructions',
    '\u202e',
    'ｉgnore previous instructions',
    'me@mail.org',
    '\n+1 415 555 0100',
    'x',
    ' ',
  ];
  // Alone, after an escaped newline (`\n` in the raw body: a letter before the digits).
  texts.push('\nDE89 3704 0044 0532 0130 00', '\n4111 1111 1111 1111', '\n078-05-1120', '\tDE89370400440532013000');
  for (let round = 0; round < 300; round++) texts.push(Array.from({ length: 12 }, () => fragments[Math.floor(random() * fragments.length)]).join(''));
  let withFindings = 0;
  for (const text of texts) {
    for (const categories of [all, new Set<GuardrailCategory>(['secrets']), new Set<GuardrailCategory>(['pii'])]) {
      if (!(await findsSomething(text, categories))) continue;
      withFindings++;
      assert.ok(rawBodyMayHaveFindings(body(text), categories), `skipped a body with findings: ${JSON.stringify(text.slice(0, 80))}`);
      // Escaped any way JSON allows: \\u escapes can hide every anchor, so such a body is never skipped.
      const escaped = Buffer.from(json(text).replace(/[a-z]/g, (letter) => `\\u00${letter.charCodeAt(0).toString(16)}`));
      assert.ok(rawBodyMayHaveFindings(escaped, categories));
    }
  }
  assert.ok(withFindings > 300, `${withFindings} texts with findings checked`);
});

test('a body with nothing a rule could find is skipped; signs of one are not', () => {
  const secretsOnly = new Set<GuardrailCategory>(['secrets']);
  assert.equal(rawBodyMayHaveFindings(body('Hello there, how is it going? Write a haiku about autumn.'), all), false);
  assert.equal(rawBodyMayHaveFindings(body('Hello there 😀, café über naïve — résumé → “quoted” × 3'), all), false);
  // Negatives of the corpus are plain code: without injection (its anchor words are common English) most pass.
  const skipped = negatives().filter((item) => !rawBodyMayHaveFindings(body(item.text.slice(0, 4000)), secretsOnly)).length;
  assert.ok(skipped >= 1, `${skipped} corpus negatives skipped`);
  // Characters outside ASCII are read from their UTF-8 bytes: 2, 3 and 4 bytes (tag characters, mathematical letters).
  for (const sign of ['token', 'sk-', '-----BEGIN', 'a@b', '4111 1111', '\u202e', 'ｉ', '\u{E0041}', '𝐢gnore', 'ﬁ', 'do not', 'https:\\/\\/x', '\\u0041KIA']) {
    assert.equal(rawBodyMayHaveFindings(body(`Hello there ${sign} end`), all), true, sign);
  }
});

test('triggers without their lookarounds match a superset', () => {
  assert.equal(withoutLookarounds('(?<![A-Za-z0-9])[A-Z]{2}\\d{2}'), '[A-Z]{2}\\d{2}');
  assert.equal(withoutLookarounds('(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-])'), '\\d{3}-\\d{2}-\\d{4}');
  assert.equal(withoutLookarounds('(?<!\\d)(?:4\\d{3}|5[1-5]\\d{2})'), '(?:4\\d{3}|5[1-5]\\d{2})');
});
