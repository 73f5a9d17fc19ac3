import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type StreamEvent } from '../../core/ir/index.ts';
import { rechunk, recordedToolStream } from '../../../test/support/dialects/recorded-tool-stream.ts';
import { seededRandom } from '../../../test/support/seeded-random.ts';
import { fakeCredentials } from '../../../test/fixtures/guardrails/fake-credentials.ts';
import type { GuardrailVerdict } from './evaluate-request.ts';
import { guardResponse, OutputGuard, type OutputGuardOptions } from './output-guard.ts';
import { maxHeldChars, OutputTextHold } from './output-text-hold.ts';
import { placeholderFor } from './placeholder.ts';

const salt = 'test-salt-output-guard-00001';
const fakes = fakeCredentials(61);
// The model's own secrets (the request never carried them) and one the request did carry.
const github = fakes['GITHUB_TOKEN']!.value;
const stripe = fakes['STRIPE_SECRET_KEY']!.value;
const dbPassword = fakes['DB_PASSWORD']!.value;
const carried = fakes['NPM_TOKEN']!.value;

const modelText = `Use ${github} for the API, keep ${carried} as it is, then set password: "${dbPassword}" and stop.`;
const modelArgs = { cmd: `export STRIPE=${stripe}`, note: 'no secret here: 9b53aeb1c2d4e6f8091a2b3c4d5e6f708192a3b4' };

function options(action: 'flag' | 'redact', verdicts: GuardrailVerdict[]): OutputGuardOptions {
  return { action, salt, carried: new Set([carried]), onVerdict: (verdict) => verdicts.push(verdict) };
}

/** The recorded Anthropic stream (text, then an `input_json_delta` tool call) with the model emitting secrets, as IR events. */
function recordedEvents(): StreamEvent[] {
  const args = JSON.stringify(modelArgs);
  return recordedToolStream(modelText, [args.slice(0, 20), args.slice(20, 31), args.slice(31), '']);
}

/** Feeds the events in batches of one to three (the forwarding loop hands over what one chunk decoded). */
async function guardAll(events: StreamEvent[], guard: OutputGuard, random: () => number): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for (let at = 0; at < events.length; ) {
    const size = 1 + Math.floor(random() * 3);
    out.push(...(await guard.push(events.slice(at, at + size))));
    at += size;
  }
  out.push(...(await guard.finish()));
  return out;
}

const deltasOf = (events: StreamEvent[], type: 'text-delta' | 'tool-call-delta') =>
  events
    .filter((event) => event.type === type)
    .map((event) => (event as { delta: string }).delta)
    .join('');

test('redact: the model’s own secrets become placeholders in text and tool-call deltas and in block-end, for re-chunkings of a recorded stream', async () => {
  const recorded = recordedEvents();
  const githubPlaceholder = placeholderFor('github-token', github, salt);
  const recordedText = deltasOf(recorded, 'text-delta');
  assert.ok(recordedText.endsWith(modelText));
  const expectedText = recordedText.replace(github, githubPlaceholder).replace(dbPassword, placeholderFor('generic-secret', dbPassword, salt));
  const expectedArgs = JSON.stringify({ ...modelArgs, cmd: `export STRIPE=${placeholderFor('stripe-key', stripe, salt)}` });
  const random = seededRandom(1401);
  let checks = 0;
  const check = async (events: StreamEvent[], label: string) => {
    const verdicts: GuardrailVerdict[] = [];
    const out = await guardAll(events, new OutputGuard(options('redact', verdicts)), random);
    const folded = foldStream(out);
    const text = folded.content.find((block) => block.type === 'text');
    const call = folded.content.find((block) => block.type === 'tool-call');
    assert.equal(text?.type === 'text' && text.text, expectedText, label);
    assert.equal(call?.type === 'tool-call' && call.input, expectedArgs, label);
    // What clients that read deltas see is the same, so no piece of a secret went out before its placeholder.
    assert.equal(deltasOf(out, 'text-delta'), expectedText, label);
    assert.equal(deltasOf(out, 'tool-call-delta'), expectedArgs, label);
    assert.deepEqual(
      verdicts.map((verdict) => `${verdict.rule}@${verdict.location}=${verdict.action}`),
      ['github-token@output[0].text=redact', 'generic-secret@output[0].text=redact', 'stripe-key@output[1].arguments=redact'],
      label,
    );
    checks++;
  };
  const blockTexts = rechunk(recorded, () => []).flatMap((event) => (event.type === 'text-delta' || event.type === 'tool-call-delta' ? [event.delta] : []));
  const longest = Math.max(...blockTexts.map((text) => text.length));
  // Every single cut; pairs of cuts every third offset (both blocks are cut at the same offsets).
  for (let first = 0; first <= longest; first++)
    await check(
      rechunk(recorded, () => [first]),
      `cut at ${first}`,
    );
  for (let first = 0; first <= longest; first += 3)
    for (let second = first + 1; second <= longest; second += 3)
      await check(
        rechunk(recorded, () => [first, second]),
        `cuts at ${first},${second}`,
      );
  await check(
    rechunk(recorded, (text) => Array.from({ length: text.length }, (_, index) => index)),
    'one character per delta',
  );
  for (let round = 0; round < 200; round++) {
    await check(
      rechunk(recorded, (text) => Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * text.length))),
      `random ${round}`,
    );
  }
  assert.ok(checks > 1000, `${checks} re-chunkings checked`);
});

test('flag: the answer goes out unchanged, each of the model’s secrets recorded once with a fingerprint, never the value', async () => {
  const verdicts: GuardrailVerdict[] = [];
  const recorded = recordedEvents();
  const out = await guardAll(
    rechunk(recorded, (text) => Array.from({ length: text.length }, (_, index) => index)),
    new OutputGuard(options('flag', verdicts)),
    seededRandom(7),
  );
  assert.deepEqual(foldStream(out).content, foldStream(recorded).content);
  assert.deepEqual(
    verdicts.map((verdict) => `${verdict.rule}=${verdict.action}`),
    ['github-token=flag', 'generic-secret=flag', 'stripe-key=flag'],
  );
  for (const verdict of verdicts) assert.match(verdict.fingerprint, /^fp_[0-9a-f]{16}$/);
  const evidence = JSON.stringify(verdicts);
  for (const secret of [github, stripe, dbPassword]) assert.ok(!evidence.includes(secret));
});

test('a PEM key the model writes (JSON-escaped, in tool-call arguments) is held from -----BEGIN to its end marker, then redacted', async () => {
  const pem = fakes['RSA_PRIVATE_KEY']!.value;
  const args = JSON.stringify({ path: 'id_rsa', content: `${pem}\n` });
  const events: StreamEvent[] = [
    { type: 'response-start', id: 'r', model: 'm', createdAt: 0 },
    { type: 'block-start', index: 0, block: { kind: 'tool-call', callId: 'c1', name: 'write_file', toolKind: 'function' } },
    ...Array.from(
      { length: Math.ceil(args.length / 5) },
      (_, index): StreamEvent => ({ type: 'tool-call-delta', index: 0, delta: args.slice(index * 5, index * 5 + 5) }),
    ),
    { type: 'block-end', index: 0, block: { type: 'tool-call', callId: 'c1', name: 'write_file', kind: 'function', input: args } },
    { type: 'response-end', finishReason: { unified: 'tool_calls' } },
  ];
  const verdicts: GuardrailVerdict[] = [];
  const out = await guardAll(events, new OutputGuard(options('redact', verdicts)), seededRandom(3));
  const input = deltasOf(out, 'tool-call-delta');
  const written = JSON.parse(input) as { path: string; content: string };
  assert.equal(written.path, 'id_rsa');
  assert.match(written.content, /^\[secret:private-key:[0-9a-f]{12}\]\n$/);
  const end = out.find((event) => event.type === 'block-end');
  assert.equal(end?.type === 'block-end' && end.block.type === 'tool-call' && end.block.input, input);
  assert.deepEqual(
    verdicts.map((verdict) => verdict.rule),
    ['private-key'],
  );
});

test('the hold keeps back only the last word (or an open PEM block), never more than its cap', () => {
  const random = seededRandom(99);
  const words = ['alpha', 'b', 'token=', 'x'.repeat(30), '"quoted"', 'a,b;c', '\n', '\t', '-----BEGIN', 'KEY-----', '-----END X-----'];
  let text = '';
  while (text.length < 4000) text += words[Math.floor(random() * words.length)]! + (random() < 0.7 ? ' ' : '');
  const hold = new OutputTextHold(false);
  let released = '';
  for (let at = 0; at < text.length; ) {
    const size = 1 + Math.floor(random() * 9);
    for (const segment of hold.push(text.slice(at, at + size))) {
      assert.equal(segment.context, released.slice(-256));
      released += segment.text;
    }
    at += size;
    const seen = text.slice(0, at);
    const held = seen.slice(released.length);
    assert.equal(released + held, seen);
    const begin = seen.lastIndexOf('-----BEGIN');
    const openPem = begin !== -1 && !/-----END [A-Z0-9 ]{1,40}-----/.test(seen.slice(begin));
    if (!openPem) assert.ok(!/[\s"'`,;]/.test(held), `held only the last word, got ${JSON.stringify(held)}`);
    assert.ok(hold.pending <= maxHeldChars);
  }
  for (const segment of hold.finish()) released += segment.text;
  assert.equal(released, text);

  // A word longer than the cap is released from its start once it passes the cap.
  const long = new OutputTextHold(false);
  let out = 0;
  for (let index = 0; index < maxHeldChars + 500; index++) for (const segment of long.push('a')) out += segment.text.length;
  assert.equal(long.pending, maxHeldChars);
  assert.equal(out, 500);
});

test('a non-streamed answer: texts, tool-call input (JSON-escaped) and reasoning are judged whole; a carried secret passes', async () => {
  const verdicts: GuardrailVerdict[] = [];
  const answer = await guardResponse(
    {
      id: 'r',
      model: 'm',
      createdAt: 0,
      finishReason: { unified: 'tool_calls' },
      content: [
        { type: 'reasoning', family: 'anthropic', summary: [`the key is ${github}`] },
        { type: 'text', text: `Here: ${github} and ${carried}.` },
        { type: 'tool-call', callId: 'c', name: 'shell', kind: 'function', input: JSON.stringify({ cmd: `echo "${stripe}"\n` }) },
      ],
    },
    options('redact', verdicts),
  );
  const githubPlaceholder = placeholderFor('github-token', github, salt);
  assert.deepEqual(answer.content[0], { type: 'reasoning', family: 'anthropic', summary: [`the key is ${githubPlaceholder}`] });
  assert.deepEqual(answer.content[1], { type: 'text', text: `Here: ${githubPlaceholder} and ${carried}.` });
  assert.equal(answer.content[2]?.type === 'tool-call' && JSON.parse(answer.content[2].input).cmd, `echo "${placeholderFor('stripe-key', stripe, salt)}"\n`);
  assert.deepEqual(
    verdicts.map((verdict) => `${verdict.rule}@${verdict.location}`),
    ['github-token@output[0].reasoning', 'github-token@output[1].text', 'stripe-key@output[2].arguments'],
  );
});

test('benign output passes byte for byte with nothing recorded', async () => {
  const verdicts: GuardrailVerdict[] = [];
  const text =
    'The build uses sha512-3PKn2XxVhq8QWQWbjjxZ4pAt+bTXNaVn/lYx0bfb2aJ7kY7Xp3QGXaRoLM0w35qFhkXSHakZAkEn3ZJwJNFIkQ== and commit 9b53aeb1c2d4e6f8091a2b3c4d5e6f708192a3b4; request id 3f1c2a9e-7b4d-4e21-9a6f-2d8c0b1e5f47.';
  const events: StreamEvent[] = [
    { type: 'block-start', index: 0, block: { kind: 'text' } },
    ...text.match(/.{1,7}/gs)!.map((delta): StreamEvent => ({ type: 'text-delta', index: 0, delta })),
    { type: 'block-end', index: 0, block: { type: 'text', text } },
    { type: 'response-end', finishReason: { unified: 'stop' } },
  ];
  const out = await guardAll(events, new OutputGuard(options('redact', verdicts)), seededRandom(5));
  assert.equal(deltasOf(out, 'text-delta'), text);
  assert.deepEqual(verdicts, []);
});
