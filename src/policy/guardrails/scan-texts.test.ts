import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { scanTexts } from './scan-texts.ts';
import type { GuardrailCategory } from './finding.ts';
import { secretRules } from './secret-rules.ts';
import { piiRules } from './pii-rules.ts';
import { injectionRules } from './injection-rules.ts';
import { secretlintFamilies } from './secretlint-families.ts';

const all = new Set<GuardrailCategory>(['secrets', 'pii', 'injection']);
const size = 256 * 1024;

/** Every trigger of every rule, each followed by near-misses, repeated to 256 KB. */
function keywordStuffed(): string {
  const seeds = [
    'ghp_',
    'github_pat_',
    'glpat-',
    'xoxb-',
    'sk_live_',
    'sk-proj-',
    'sk-ant-',
    'T3BlbkFJ',
    'npm_a',
    'SG.aaaaaaaaaaaaaaaaaaaaaa.',
    '-----BEGIN RSA PRIVATE KEY-----\nMII',
    'postgres://',
    'https://u:p@',
    'AKIAAAAAAAAAAAAAAAAA',
    'AIza',
    'pypi-AgE',
    'SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'eyJaaaaaaaaaa.eyJ',
    'password=',
    'secret: ',
    'token:=',
    'Bearer ',
    'a@b',
    '+1 555',
    '4111 1111 ',
    'DE89 3704 ',
    '123-45-',
    '\u202E',
    '\uDB40\uDC41',
    'ignore all previous ',
  ];
  let text = '';
  for (let index = 0; text.length < size; index++) text += seeds[index % seeds.length] + 'aA0'.repeat(index % 37) + '.'.repeat(index % 5);
  return text.slice(0, size);
}

/** Strings built to make a backtracking engine explode on a naive version of each rule. */
function adversarialCases(): string[] {
  return [
    'a'.repeat(size),
    `${'aaaa@'.repeat(size / 5)}`,
    `password${'='.repeat(size / 2)}`,
    `sk-proj-${'a'.repeat(size)}!`,
    `eyJ${'a'.repeat(size / 3)}.eyJ${'a'.repeat(size / 3)}`,
    `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(size)}`,
    `postgres://${'a:'.repeat(size / 2)}`,
    `${'1 '.repeat(size / 2)}`,
    `${'+1 1'.repeat(size / 4)}`,
    `${'token'.repeat(size / 5)}`,
    `${'x@x.'.repeat(size / 4)}`,
  ];
}

async function timeScan(text: string, source: 'message' | 'tool-output' = 'tool-output'): Promise<number> {
  const start = performance.now();
  await scanTexts([{ text, location: 'input[0]', source }], { categories: all, maxScanChars: 4 * 1024 * 1024, cache: false });
  return performance.now() - start;
}

test('a 256 KB keyword-stuffed prompt is scanned in bounded time (relative to benign text of the same size)', async () => {
  const benign = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(size / 70).slice(0, size);
  await timeScan(benign);
  const floor = Math.min(await timeScan(benign), await timeScan(benign));
  const stuffed = await timeScan(keywordStuffed());
  // Generous: a backtracking rule would take seconds to minutes, not a small multiple.
  assert.ok(stuffed < Math.max(floor * 400, 1500), `keyword-stuffed: ${stuffed.toFixed(1)} ms, benign floor ${floor.toFixed(1)} ms`);
});

test('no rule backtracks catastrophically: each adversarial case finishes in bounded time', async () => {
  for (const text of adversarialCases()) {
    const elapsed = await timeScan(text);
    assert.ok(elapsed < 1500, `${JSON.stringify(text.slice(0, 20))}…: ${elapsed.toFixed(1)} ms`);
  }
  // The rules' own patterns, run over a whole adversarial text (not only windows).
  for (const rule of [...secretRules, ...piiRules, ...injectionRules]) {
    for (const text of adversarialCases()) {
      const start = performance.now();
      rule.pattern.lastIndex = 0;
      let count = 0;
      while (rule.pattern.exec(text) && count++ < 10_000);
      rule.pattern.lastIndex = 0;
      const elapsed = performance.now() - start;
      assert.ok(elapsed < 1500, `${rule.id} on ${JSON.stringify(text.slice(0, 20))}…: ${elapsed.toFixed(1)} ms`);
    }
  }
  assert.ok(secretlintFamilies.length >= 10);
});

test('text past max_scan_chars is not scanned and the result says so', async () => {
  const secret = `${'gh'}p_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
  const texts = [
    { text: 'x'.repeat(100), location: 'a', source: 'message' as const },
    { text: `token ${secret}`, location: 'b', source: 'message' as const },
  ];
  const cut = await scanTexts(texts, { categories: all, maxScanChars: 120 });
  assert.equal(cut.truncated, true);
  assert.equal(cut.findings.length, 0);
  const whole = await scanTexts(texts, { categories: all, maxScanChars: 1000 });
  assert.equal(whole.truncated, false);
  assert.deepEqual(
    whole.findings.map((finding) => [finding.rule, finding.text, texts[1]!.text.slice(finding.start, finding.end)]),
    [['github-token', 1, secret]],
  );
});

test('a text seen before is answered from the cache with the same findings, at its new position', async () => {
  const token = ['ghp', '_', 'R7x2Kq9Lm4Np6Vb8Zc1Df3Gh5Jk7Lm9Np0Qr'].join('');
  const texts = [
    { text: 'nothing here', location: 'input[0]', source: 'message' as const },
    { text: `GITHUB_TOKEN=${token}\ncontact jane.doe@acmecorp.io or +1 415 555 0134`, location: 'input[1]', source: 'tool-output' as const },
  ];
  const fresh = await scanTexts(texts, { categories: all, maxScanChars: 4096, cache: false });
  assert.ok(fresh.findings.length >= 2, JSON.stringify(fresh.findings));
  const first = await scanTexts(texts, { categories: all, maxScanChars: 4096 });
  const again = await scanTexts([{ text: 'a new turn', location: 'input[0]', source: 'message' as const }, ...texts], { categories: all, maxScanChars: 4096 });
  assert.deepEqual(first.findings, fresh.findings);
  assert.deepEqual(
    again.findings,
    fresh.findings.map((finding) => ({ ...finding, text: finding.text + 1 })),
  );
  // The categories are part of the key: secrets only finds no email.
  const secretsOnly = await scanTexts(texts, { categories: new Set(['secrets']), maxScanChars: 4096 });
  assert.ok(secretsOnly.findings.every((finding) => finding.category === 'secrets'));
});
