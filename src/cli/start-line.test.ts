import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/load-config.ts';
import { startLine } from './start.ts';

const load = (text: string) => parseConfigText(text, { env: {}, source: 'test.yaml', cwd: '/tmp' });

test('with no providers, the start line says how to add one', () => {
  assert.match(
    startLine('http://127.0.0.1:4141', load('')),
    /providers: none\): no provider configured.*OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY.*providers: section/,
  );
  const configured = startLine('http://127.0.0.1:4141', load('providers:\n  oai: { type: openai, api_key: k }\n'));
  assert.equal(configured, 'Switchyard listening on http://127.0.0.1:4141 (config: test.yaml; providers: oai)');
});
