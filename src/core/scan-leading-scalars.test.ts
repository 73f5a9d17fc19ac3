import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanLeadingScalars } from './scan-leading-scalars.ts';
import { RequestBody } from './request-body.ts';

const scan = (text: string) => Object.fromEntries([...scanLeadingScalars(Buffer.from(text))].map(([key, found]) => [key, found.value]));

test('reads leading scalar members and stops at the first structured value', () => {
  assert.deepEqual(scan('{"model":"gpt-5.5","stream":true,"n":2,"x":null,"input":[{"model":"other"}],"late":1}'), {
    model: 'gpt-5.5',
    stream: true,
    n: 2,
    x: null,
  });
  assert.deepEqual(scan(' { "model" : "a" , "temperature": -0.5e0 }'), { model: 'a', temperature: -0.5 });
});

test('stops at escapes, malformed input and non-objects without throwing', () => {
  assert.deepEqual(scan('{"model":"a\\"b","stream":true}'), {});
  assert.deepEqual(scan('{"model":"a"'), { model: 'a' });
  assert.deepEqual(scan('["model"]'), {});
  assert.deepEqual(scan(''), {});
  assert.deepEqual(scan('{"model":tru}'), {});
});

test('RequestBody splices the model without re-serialising, byte-exact elsewhere', () => {
  const raw = Buffer.from('{"model":"alias","stream":true,"input":[{"role":"user","content":"héllo"}]}');
  const body = new RequestBody(raw);
  assert.equal(body.member('model'), 'alias');
  assert.equal(body.member('stream'), true);
  assert.equal(body.withMember('model', 'gpt-5.5').toString(), '{"model":"gpt-5.5","stream":true,"input":[{"role":"user","content":"héllo"}]}');
});

test('a duplicate key anywhere later is never trusted from the prefix: the full parse decides', () => {
  // JSON.parse (like most upstream parsers) keeps the LAST duplicate: routing must agree with it.
  const body = new RequestBody(Buffer.from('{"model":"cheap","input":"x","model":"expensive"}'));
  assert.equal(body.member('model'), 'expensive');
  assert.equal(JSON.parse(body.withMember('model', 'served').toString()).model, 'served');
});

test('invalid JSON is a 400 once the full body is needed', () => {
  const body = new RequestBody(Buffer.from('{"model":'));
  assert.throws(() => body.fields(), /not valid JSON/);
});

test('leadingMember skips the uniqueness scan; member never does', () => {
  const body = new RequestBody(Buffer.from('{"model":"a","stream":true,"input":"x","stream":false,"model":"b"}'));
  assert.equal(body.leadingMember('stream'), true);
  assert.equal(body.member('model'), 'b');
});
