import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicCloudBody } from './anthropic-cloud-body.ts';

const body = Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
const headers = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'interleaved-thinking-2025-05-14, claude-code-20250219',
};

test('Bedrock: version in the body, no model, no stream, betas as anthropic_beta', () => {
  const out = anthropicCloudBody(body, headers, { version: 'bedrock-2023-05-31', streamInBody: false, betasInBody: true });
  assert.deepEqual(JSON.parse(out.body.toString()), {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 10,
    messages: [{ role: 'user', content: 'hi' }],
    anthropic_beta: ['interleaved-thinking-2025-05-14', 'claude-code-20250219'],
  });
  assert.deepEqual(out.headers, { 'content-type': 'application/json' });
});

test('Vertex: version in the body, no model, the stream flag and the beta header kept', () => {
  const out = anthropicCloudBody(body, headers, { version: 'vertex-2023-10-16', streamInBody: true, betasInBody: false });
  const sent = JSON.parse(out.body.toString());
  assert.equal(sent.anthropic_version, 'vertex-2023-10-16');
  assert.equal(sent.model, undefined);
  assert.equal(sent.stream, true);
  assert.equal(out.headers['anthropic-beta'], headers['anthropic-beta']);
  assert.equal(out.headers['anthropic-version'], undefined);
});

test('a body that is not a JSON object is a caller fault', () => {
  assert.throws(
    () => anthropicCloudBody(Buffer.from('[1]'), {}, { version: 'v', streamInBody: true, betasInBody: false }),
    (error: { code?: string }) => error.code === 'caller_invalid_request',
  );
});
