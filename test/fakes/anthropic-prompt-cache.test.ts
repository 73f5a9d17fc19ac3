// Proves the Anthropic emulator's prompt cache counts like the API: a prefix up to a breakpoint
// seen before is read, a new one written, prefixes under the minimum cacheable length neither,
// and more than 4 breakpoints are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator } from './anthropic-emulator.ts';
import { postJson } from './post-json.ts';

const headers = { 'x-api-key': 'sk-ant-upstream-test', 'anthropic-version': '2023-06-01' };
const ephemeral = { type: 'ephemeral' };
const longSystem = 'You are a careful assistant. '.repeat(400); // ~2,900 tokens at 4 chars per token

async function usageOf(url: string, body: Record<string, unknown>) {
  const result = await postJson(url, { model: 'claude-sonnet-4-5', max_tokens: 64, ...body }, headers);
  assert.equal(result.status, 200, result.text);
  return JSON.parse(result.text).usage as { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
}

test('write on first sight, read on the next turn, nothing without breakpoints or under the minimum', async () => {
  const emulator = await startAnthropicEmulator({ respond: () => ({ text: 'ok' }) });
  const url = `${emulator.url}/v1/messages`;
  try {
    const system = [{ type: 'text', text: longSystem, cache_control: ephemeral }];
    const turn1 = await usageOf(url, { system, messages: [{ role: 'user', content: 'one' }] });
    assert.equal(turn1.cache_read_input_tokens, 0);
    assert.ok(turn1.cache_creation_input_tokens > 1024, JSON.stringify(turn1));
    const turn2 = await usageOf(url, { system, messages: [{ role: 'user', content: 'two' }] });
    assert.equal(turn2.cache_read_input_tokens, turn1.cache_creation_input_tokens);
    assert.ok(turn2.input_tokens > 0);
    const unmarked = await usageOf(url, { system: [{ type: 'text', text: longSystem }], messages: [{ role: 'user', content: 'two' }] });
    assert.equal(unmarked.cache_read_input_tokens, 0);
    assert.equal(unmarked.cache_creation_input_tokens, 0);
    const short = [{ type: 'text', text: 'Be brief.', cache_control: ephemeral }];
    await usageOf(url, { system: short, messages: [{ role: 'user', content: 'x' }] });
    const again = await usageOf(url, { system: short, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(again.cache_read_input_tokens, 0, 'a prefix under 1024 tokens is never cached');
    assert.equal(again.cache_creation_input_tokens, 0);
    const five = Array.from({ length: 5 }, (_, index) => ({ type: 'text', text: `part ${index}`, cache_control: ephemeral }));
    const refused = await postJson(url, { model: 'claude-sonnet-4-5', max_tokens: 64, system: five, messages: [{ role: 'user', content: 'x' }] }, headers);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /A maximum of 4 blocks with cache_control/);
  } finally {
    await emulator.close();
  }
});
