import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTexts } from '../../src/policy/guardrails/scan-texts.ts';
import type { GuardrailCategory } from '../../src/policy/guardrails/finding.ts';
import { positives } from '../fixtures/guardrails/read-positives.ts';
import { negatives } from '../fixtures/guardrails/negatives.ts';
import { injectionNegatives, piiAndInjectionPositives } from '../fixtures/guardrails/pii-and-injection.ts';

const all = new Set<GuardrailCategory>(['secrets', 'pii', 'injection']);
const options = { categories: all, maxScanChars: 64 * 1024 * 1024 };

test('every fake credential in the positive files is found by its own rule, covering exactly its value', async () => {
  const misses: string[] = [];
  const extras: string[] = [];
  let expected = 0;
  for (const positive of positives()) {
    const { findings } = await scanTexts([{ text: positive.text, location: positive.file, source: 'tool-output' }], options);
    for (const want of positive.expected) {
      expected++;
      const hit = findings.find((finding) => finding.category === 'secrets' && finding.start <= want.start && finding.end >= want.end);
      if (!hit || hit.rule !== want.rule || hit.end - hit.start > want.end - want.start + 2)
        misses.push(`${positive.file}: ${want.name} (${want.rule}) got ${hit?.rule ?? 'nothing'}`);
    }
    for (const finding of findings) {
      if (!positive.expected.some((want) => finding.start < want.end && want.start < finding.end))
        extras.push(`${positive.file}: ${finding.rule} at ${finding.start}`);
    }
  }
  assert.ok(expected >= 25, `the corpus holds ${expected} fakes`);
  assert.deepEqual(misses, []);
  assert.deepEqual(extras, [], 'nothing else in the positive files is flagged');
});

test('PII and injection positives are flagged by their rule; a user asking to ignore instructions is not', async () => {
  for (const item of piiAndInjectionPositives) {
    const { findings } = await scanTexts([{ text: item.text, location: 'x', source: item.source }], options);
    assert.ok(
      findings.some((finding) => finding.rule === item.rule),
      `${item.rule} in ${JSON.stringify(item.text)}: got ${findings.map((f) => f.rule).join(',')}`,
    );
  }
  for (const item of injectionNegatives) {
    const { findings } = await scanTexts([{ text: item.text, location: 'x', source: item.source }], options);
    assert.deepEqual(findings, []);
  }
});

test('no rule fires on what coding agents really send (captured requests, lockfile, minified JS, SHAs, UUIDs, images, source)', async () => {
  const list = negatives();
  assert.ok(list.length >= 20);
  for (const negative of list) {
    const { findings, truncated } = await scanTexts([{ text: negative.text, location: negative.name, source: 'tool-output' }], options);
    assert.equal(truncated, false);
    assert.deepEqual(
      findings.map((finding) => `${finding.rule}: …${negative.text.slice(Math.max(0, finding.start - 20), finding.end + 5)}`),
      [],
      negative.name,
    );
  }
});
