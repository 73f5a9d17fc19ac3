import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayHoldMember } from './raw-member-search.ts';

const holds = (json: string, name: string, prefix: string) => mayHoldMember(Buffer.from(json), name, prefix);

test('finds a member whatever the whitespace around the colon, and only as a key', () => {
  for (const json of ['{"role":"system"}', '{"role": "system"}', '{"role"\n  :\t"system"}', '[{"a":1},{"role" : "system-x"}]']) {
    assert.equal(holds(json, 'role', 'system'), true, json);
  }
  for (const json of ['{"role":"user"}', '{"text":"role"}', '{"x":"\\"role\\": \\"system\\""}', '{"role":["system"]}', '{"rolex":"system"}']) {
    assert.equal(holds(json, 'role', 'system'), false, json);
  }
});

test('agrees with a parse on every compact and pretty spelling of a body', () => {
  const body = {
    messages: [
      { role: 'user', content: 'say "role": "system"' },
      { role: 'system', content: 'late' },
    ],
    signature: 'sy1.abc',
  };
  for (const spacing of [undefined, 1, 2, '\t']) {
    const json = JSON.stringify(body, null, spacing);
    assert.equal(holds(json, 'role', 'system'), true);
    assert.equal(holds(json, 'signature', 'sy1.'), true);
    assert.equal(holds(json, 'signature', 'sy2.'), false);
  }
});
