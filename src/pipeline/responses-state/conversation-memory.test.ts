import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationMemory } from './conversation-memory.ts';

test('a remembered turn answers its whole history; an unknown one nothing', () => {
  const memory = new ConversationMemory();
  const first = [
    { role: 'user', content: 'a' },
    { type: 'message', role: 'assistant' },
  ];
  memory.remember('r1', first);
  memory.remember('r2', [...first, { type: 'function_call_output' }]);
  assert.equal(memory.history('r2')?.length, 3);
  assert.equal(memory.history('r2')?.[0], first[0], 'items are shared, not copied');
  assert.equal(memory.history('r3'), undefined);
});

test('a session longer than the bound stays continuable from its latest turns; the oldest are forgotten', () => {
  const memory = new ConversationMemory(3);
  let history: unknown[] = [];
  for (let turn = 1; turn <= 1000; turn++) {
    history = [...history, { turn }];
    memory.remember(`r${turn}`, history);
  }
  assert.equal(memory.history('r1000')?.length, 1000);
  assert.ok(memory.history('r998'));
  assert.equal(memory.history('r997'), undefined);
});
