import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type StreamEvent } from '../../core/ir/index.ts';
import { rechunk, recordedToolStream } from '../../../test/support/dialects/recorded-tool-stream.ts';
import { seededRandom } from '../../../test/support/seeded-random.ts';
import { PlaceholderRestorer } from './placeholder-restorer.ts';
import { RestoreEvents, restoreResponse } from './restore-events.ts';
import { SecretVault } from './secret-vault.ts';

// Fake secrets (one with characters JSON must escape: a PEM-like newline and a quote).
const token = `${'gh'}p_${'Zq8Lm2Xw7Rt4Vb9Nc3Kd6Hs1Jf5Gy0Pa2Qe'}`;
const multiline = 'line-1\nline-2 "quoted" \\ end';

function vault(): { vault: SecretVault; tokenPlaceholder: string; multilinePlaceholder: string } {
  const store = new SecretVault('test-salt-restore-events-0001');
  return { vault: store, tokenPlaceholder: store.add('github-token', token), multilinePlaceholder: store.add('private-key', multiline) };
}

/**
 * The recorded Anthropic stream (text then an `input_json_delta` tool call), with the text and
 * the tool arguments rewritten to carry placeholders, decoded to IR events.
 */
function recordedEvents(tokenPlaceholder: string, multilinePlaceholder: string): StreamEvent[] {
  return recordedToolStream(`'ll write ${tokenPlaceholder} to .env [not a placeholder] and [secret:x`, [
    `{"location": "${tokenPlaceholder.slice(0, 11)}`,
    tokenPlaceholder.slice(11),
    `", "key": "${multilinePlaceholder}`,
    '"}',
  ]);
}

function restoreAll(events: StreamEvent[], store: SecretVault): StreamEvent[] {
  const restore = new RestoreEvents(store);
  return [...events.flatMap((event) => restore.push(event)), ...restore.finish()];
}

test('placeholders come back as the secret in text and (JSON-escaped) in tool-call arguments, for every re-chunking of a recorded stream', () => {
  const { vault: store, tokenPlaceholder, multilinePlaceholder } = vault();
  const recorded = recordedEvents(tokenPlaceholder, multilinePlaceholder);
  const expected = foldStream(restoreAll(recorded, store));
  const text = expected.content.find((block) => block.type === 'text');
  const call = expected.content.find((block) => block.type === 'tool-call');
  assert.equal(text?.type === 'text' && text.text, `I'll write ${token} to .env [not a placeholder] and [secret:x`);
  assert.deepEqual(call?.type === 'tool-call' && JSON.parse(call.input), { location: token, key: multiline });

  const check = (events: StreamEvent[], label: string) => {
    const restored = restoreAll(events, store);
    const deltas = restored.filter((event) => event.type === 'text-delta' || event.type === 'tool-call-delta');
    // No delta leaks a placeholder (whole or partial past its first character).
    for (const event of deltas) assert.ok(!event.delta.includes('[secret:github') && !event.delta.includes('[secret:private'), `${label}: ${event.delta}`);
    const folded = foldStream(restored);
    assert.deepEqual(folded.content, expected.content, label);
    // The deltas add up to the block-end content (clients that read deltas see the same).
    const streamedText = deltas
      .filter((event) => event.type === 'text-delta')
      .map((event) => event.delta)
      .join('');
    assert.equal(streamedText, text?.type === 'text' ? text.text : '', label);
  };
  // Every single cut and every pair of cuts of each block's text: exhaustive up to two cuts.
  const longest = Math.max(
    ...rechunk(recorded, () => []).flatMap((event) => (event.type === 'text-delta' || event.type === 'tool-call-delta' ? [event.delta.length] : [])),
  );
  for (let first = 0; first <= longest; first++) {
    check(
      rechunk(recorded, () => [first]),
      `cut at ${first}`,
    );
    for (let second = first + 1; second <= longest; second += 1)
      check(
        rechunk(recorded, () => [first, second]),
        `cuts at ${first},${second}`,
      );
  }
  // Seeded random re-chunkings with many cuts (one character per chunk included).
  const random = seededRandom(1414);
  check(
    rechunk(recorded, (blockText) => Array.from({ length: blockText.length }, (_, index) => index)),
    'one character per delta',
  );
  for (let round = 0; round < 300; round++) {
    check(
      rechunk(recorded, (blockText) => Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * blockText.length))),
      `random ${round}`,
    );
  }
});

test('the restorer never holds back more than the longest placeholder', () => {
  const { vault: store, tokenPlaceholder } = vault();
  const restorer = new PlaceholderRestorer(store, false);
  let out = '';
  const input = `a ${tokenPlaceholder.slice(0, -1)}x then ${tokenPlaceholder} end [`;
  for (const char of input) {
    out += restorer.push(char).join('');
    assert.ok(restorer.pending < store.maxLength, `held ${restorer.pending}`);
  }
  out += restorer.finish().join('');
  assert.equal(out, `a ${tokenPlaceholder.slice(0, -1)}x then ${token} end [`);
});

test('a non-streamed answer has its placeholders restored; an unknown placeholder stays as it is', () => {
  const { vault: store, tokenPlaceholder } = vault();
  const response = restoreResponse(
    {
      id: 'r',
      model: 'm',
      createdAt: 0,
      finishReason: { unified: 'tool_calls' },
      content: [
        { type: 'text', text: `token: ${tokenPlaceholder}; other: [secret:github-token:000000000000]` },
        { type: 'tool-call', callId: 'c', name: 'shell', kind: 'function', input: JSON.stringify({ cmd: `echo ${tokenPlaceholder}` }) },
      ],
    },
    store,
  );
  assert.deepEqual(response.content[0], { type: 'text', text: `token: ${token}; other: [secret:github-token:000000000000]` });
  assert.equal(response.content[1]?.type === 'tool-call' && JSON.parse(response.content[1].input).cmd, `echo ${token}`);
});
