import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { maxNestingDepth, nestingDepth, nestsDeeperThan, RequestBody } from './request-body.ts';

const nested = (depth: number) => `{"model":"m","metadata":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

describe('RequestBody nesting limit', () => {
  test('the walk over the parse agrees with the byte count at and around the limit', () => {
    for (const depth of [2, 3, maxNestingDepth - 1, maxNestingDepth, maxNestingDepth + 1, maxNestingDepth + 5]) {
      const text = nested(depth);
      assert.equal(nestingDepth(Buffer.from(text)), depth);
      assert.equal(nestsDeeperThan(JSON.parse(text), maxNestingDepth), depth > maxNestingDepth, `depth ${depth}`);
    }
    const objects = `{"a":${'{"b":'.repeat(maxNestingDepth)}1${'}'.repeat(maxNestingDepth)}}`;
    assert.equal(nestsDeeperThan(JSON.parse(objects), maxNestingDepth), true);
    assert.equal(nestsDeeperThan('{"not":"nested"}', 0), false, 'a string is no container');
  });

  test('a body at the limit parses; one past it, valid or not, is refused with its depth', () => {
    assert.equal(new RequestBody(Buffer.from(nested(maxNestingDepth))).fields()['model'], 'm');
    assert.throws(() => new RequestBody(Buffer.from(nested(maxNestingDepth + 1))).fields(), /nests 129 levels deep; at most 128/);
    assert.throws(() => new RequestBody(Buffer.from(`{"a":${'['.repeat(20_000)}`)).fields(), /nests more than 10000 levels deep/);
    assert.throws(() => new RequestBody(Buffer.from('{"a":[1,}')).fields(), /not valid JSON/);
    assert.throws(() => new RequestBody(Buffer.from('[1]')).fields(), /must be a JSON object/);
  });
});
