import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGatewayError } from '../core/errors.ts';
import { readAttribution } from './read-attribution.ts';

const config = { headers: { repo: 'x-repo', developer: 'x-developer-email' }, metricLabels: [] };

function refused(headers: Record<string, string>, param: string): void {
  assert.throws(
    () => readAttribution(headers, config),
    (error: unknown) => isGatewayError(error) && error.status === 400 && error.param === param,
  );
}

test('configured headers, metadata and tags are read; a configured header wins over metadata', () => {
  const read = readAttribution(
    { 'x-repo': ' billing ', 'x-switchyard-metadata': '{"repo":"ignored","ticket":123,"urgent":true}', 'x-switchyard-tags': 'a, b,a' },
    config,
  );
  assert.deepEqual(read, { attributes: { repo: 'billing', ticket: '123', urgent: 'true' }, tags: ['a', 'b'] });
  assert.deepEqual(readAttribution({}, config), { attributes: {}, tags: [] });
});

test('out-of-bounds or malformed input is a 400 naming the header', () => {
  refused({ 'x-repo': 'a\u0007b' }, 'x-repo');
  refused({ 'x-repo': 'left\u202eright' }, 'x-repo');
  refused({ 'x-repo': 'r'.repeat(257) }, 'x-repo');
  refused({ 'x-switchyard-metadata': 'not json' }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-metadata': '[1]' }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-metadata': '{"Bad Name":"x"}' }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-metadata': '{"nested":{"a":1}}' }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-metadata': JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))) }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-metadata': JSON.stringify({ big: 'x'.repeat(5000) }) }, 'x-switchyard-metadata');
  refused({ 'x-switchyard-tags': Array.from({ length: 17 }, (_, i) => `t${i}`).join(',') }, 'x-switchyard-tags');
  refused({ 'x-switchyard-tags': 'fine,has space' }, 'x-switchyard-tags');
});
