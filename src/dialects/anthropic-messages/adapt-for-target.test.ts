import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestBody } from '../../core/request-body.ts';
import { Warnings } from '../../core/warnings.ts';
import { sealReasoning } from '../shared/carried-reasoning.ts';
import { adaptForTarget } from './adapt-for-target.ts';
import { acceptsSystemMessages } from './model-profile.ts';
import { validateAnthropicRequest } from '../../../test/fakes/anthropic-request-validator.ts';

const call = { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } };
const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' };
const claudeCodeBody = (model: string) => ({
  model,
  max_tokens: 1000,
  system: [{ type: 'text', text: 'You are Claude Code.' }],
  tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
  messages: [
    { role: 'system', content: 'Leading rule.' },
    { role: 'user', content: [{ type: 'text', text: 'List files.' }] },
    { role: 'assistant', content: [call] },
    { role: 'system', content: [{ type: 'text', text: 'Mid rule.', cache_control: { type: 'ephemeral' } }], output_config: { effort: 'low' } },
    { role: 'user', content: [result] },
  ],
});
const adapt = (body: unknown, model: string, betas = '', quirks?: Record<string, unknown>) => {
  const warnings = new Warnings();
  const out = adaptForTarget(
    new RequestBody(Buffer.from(JSON.stringify(body))),
    { model, family: 'anthropic', ...(quirks ? { quirks } : {}) },
    { warnings, headers: { 'anthropic-beta': betas } },
  );
  return { out: out === undefined ? undefined : JSON.parse(out.toString('utf8')), codes: warnings.list.map((warning) => warning.code) };
};
const strict = (body: unknown, betas: string[] = []) =>
  validateAnthropicRequest(body, { endpoint: 'messages', betas, verifyThinking: () => true, verifyRedactedData: () => true })?.message;

describe('Anthropic passthrough adapted to the target', () => {
  test('the capability: Opus 4.8 and later; the quirk overrides it', () => {
    assert.equal(acceptsSystemMessages('claude-opus-4-7', undefined), false);
    assert.equal(acceptsSystemMessages('claude-sonnet-4-5-20250929', undefined), false);
    assert.equal(acceptsSystemMessages('claude-opus-4-8', undefined), true);
    assert.equal(acceptsSystemMessages('claude-opus-5-5', undefined), true);
    assert.equal(acceptsSystemMessages('some-vendor-model', undefined), false);
    assert.equal(acceptsSystemMessages('some-vendor-model', { system_messages: true }), true);
    assert.equal(acceptsSystemMessages('claude-opus-5-5', { system_messages: false }), false);
  });

  test('a pre-4.8 target: the strict emulator refuses the body as sent and accepts it folded', () => {
    const body = claudeCodeBody('claude-opus-4-7');
    assert.equal(strict(body), "role 'system' is not supported on this model");
    const { out, codes } = adapt(body, 'claude-opus-4-7');
    assert.deepEqual(out.system, [
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Leading rule.' },
    ]);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'List files.' }] },
      { role: 'assistant', content: [call] },
      { role: 'user', content: [result, { type: 'text', text: '<system-reminder>\nMid rule.\n</system-reminder>', cache_control: { type: 'ephemeral' } }] },
    ]);
    assert.deepEqual(codes.sort(), ['field_dropped', 'system_message_moved']);
    assert.equal(strict(out), undefined);
  });

  test('Opus 4.8+ under the per-turn-control beta gets the body as sent; without the beta it is folded', () => {
    const body = claudeCodeBody('claude-opus-5-5');
    assert.equal(adapt(body, 'claude-opus-5-5', 'claude-code-20250219,per-turn-control-2026-07-01').out, undefined);
    const folded = adapt(body, 'claude-opus-5-5', 'claude-code-20250219').out;
    assert.ok(folded.messages.every((message: { role: string }) => message.role !== 'system'));
  });

  test('a body without system turns or envelopes that places its own breakpoints is not touched (no parse)', () => {
    const body = {
      model: 'x',
      max_tokens: 5,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a "system" word', cache_control: { type: 'ephemeral' } }] }],
    };
    assert.equal(adapt(body, 'claude-opus-4-7').out, undefined);
  });

  test("a body without any breakpoint gets the gateway's (tools, system, last turn), unless the model opts out", () => {
    const body = {
      model: 'x',
      max_tokens: 5,
      system: 'Be brief.',
      tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'a "system" word' }],
    };
    const received = JSON.stringify(body);
    const requestBody = new RequestBody(Buffer.from(received));
    const out = adaptForTarget(requestBody, { model: 'claude-opus-4-7', family: 'anthropic' }, { warnings: new Warnings(), headers: {} });
    assert.ok(out);
    const sent = JSON.parse(out.toString('utf8'));
    const ephemeral = { type: 'ephemeral' };
    assert.deepEqual(sent.tools[0].cache_control, ephemeral);
    assert.deepEqual(sent.system, [{ type: 'text', text: 'Be brief.', cache_control: ephemeral }]);
    assert.deepEqual(sent.messages[0].content, [{ type: 'text', text: 'a "system" word', cache_control: ephemeral }]);
    assert.equal(validateAnthropicRequest(sent, { endpoint: 'messages', betas: [], verifyThinking: () => true, verifyRedactedData: () => true }), undefined);
    assert.equal(JSON.stringify(requestBody.fields()), received, 'the parsed body is not changed in place');
    const optOut = adaptForTarget(
      new RequestBody(Buffer.from(received)),
      { model: 'claude-opus-4-7', family: 'anthropic', promptCaching: false },
      { warnings: new Warnings(), headers: {} },
    );
    assert.equal(optOut, undefined);
  });

  test('thinking blocks carrying another provider reasoning are stripped before Anthropic', () => {
    const sealed = sealReasoning([{ type: 'reasoning', family: 'openai', summary: [], encryptedContent: 'gAAAA-x' }]);
    const body = {
      model: 'claude-opus-4-7',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: sealed }, call] },
        { role: 'user', content: [result] },
      ],
    };
    const { out, codes } = adapt(body, 'claude-opus-4-7');
    assert.deepEqual(out.messages[1].content, [call]);
    assert.deepEqual(codes, ['reasoning_dropped']);
  });
});

test('a pretty-printed body (whitespace around the colons) is recognised like a compact one', () => {
  const warnings = new Warnings();
  const pretty = Buffer.from(JSON.stringify(claudeCodeBody('claude-sonnet-4-5'), null, 2).replaceAll('":', '" :'));
  const out = adaptForTarget(new RequestBody(pretty), { model: 'claude-sonnet-4-5', family: 'anthropic' }, { warnings, headers: {} });
  assert.ok(out, 'the system turns were folded');
  assert.equal(strict(JSON.parse(out.toString('utf8'))), undefined);
});
