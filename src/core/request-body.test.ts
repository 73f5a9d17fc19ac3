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

describe('RequestBody.withMember', () => {
  const text = '{"input":[{"role":"user","content":"h\\u00e9"}], "prompt_cache_key" : "abc", "tools":[]}';

  test('a parsed body has a later member spliced in its bytes, every other byte kept', () => {
    const body = new RequestBody(Buffer.from(text));
    assert.equal(body.fields()['prompt_cache_key'], 'abc');
    const out = body.withMember('prompt_cache_key', 'sy_"x"').toString('utf8');
    assert.equal(out, text.replace('"abc"', JSON.stringify('sy_"x"')));
    assert.deepEqual(JSON.parse(out), { ...JSON.parse(text), prompt_cache_key: 'sy_"x"' });
  });

  test('a duplicate key or an unparsed body is re-serialized from the parse, which the upstream reads the same way', () => {
    const duplicate = new RequestBody(Buffer.from('{"input":[],"prompt_cache_key":"a","prompt_cache_key":"b"}'));
    assert.deepEqual(JSON.parse(duplicate.withMember('prompt_cache_key', 'z').toString('utf8')), { input: [], prompt_cache_key: 'z' });
    const unparsed = new RequestBody(Buffer.from(text));
    assert.deepEqual(JSON.parse(unparsed.withMember('prompt_cache_key', 'z').toString('utf8')), { ...JSON.parse(text), prompt_cache_key: 'z' });
  });

  test('a member the body does not have is added', () => {
    const body = new RequestBody(Buffer.from('{"input":[]}'));
    body.fields();
    assert.deepEqual(JSON.parse(body.withMember('prompt_cache_key', 'z').toString('utf8')), { input: [], prompt_cache_key: 'z' });
  });
});

describe('RequestBody.withMemberBody', () => {
  test('the rewritten body keeps the parse (the member replaced), which is what its bytes parse to', () => {
    const body = new RequestBody(Buffer.from('{"model":"m","input":[{"role":"user","content":"h\\u00e9"}],"prompt_cache_key":"abc","tools":[]}'));
    body.fields();
    const next = body.withMemberBody('prompt_cache_key', 'sy_x');
    assert.equal(next.isParsed(), true);
    assert.deepEqual(next.fields(), JSON.parse(next.raw.toString('utf8')));
    assert.equal(next.fields()['prompt_cache_key'], 'sy_x');
    assert.equal(body.fields()['prompt_cache_key'], 'abc', 'the original parse is not changed');
  });

  test('an unparsed body stays unparsed, and what is known of its unique leading keys carries over', () => {
    const body = new RequestBody(Buffer.from('{"model":"m","prompt_cache_key":"abc","input":"hi"}'));
    assert.equal(body.member('model'), 'm');
    const next = body.withMemberBody('prompt_cache_key', 'model');
    assert.equal(next.isParsed(), false);
    // The new value spells "model" as a string, not a key: `model` is still read from the bytes.
    assert.equal(next.member('model'), 'm');
    assert.equal(next.isParsed(), false);
    assert.deepEqual(JSON.parse(next.raw.toString('utf8')), { model: 'm', prompt_cache_key: 'model', input: 'hi' });
  });

  test('a duplicate model key stays distrusted after the rewrite', () => {
    const body = new RequestBody(Buffer.from('{"model":"a","prompt_cache_key":"abc","model":"b"}'));
    assert.equal(body.member('model'), 'b', 'the parse decides, as an upstream parser would');
    const next = body.withMemberBody('prompt_cache_key', 'sy_x');
    assert.equal(next.member('model'), 'b');
  });
});
