import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCodexSetup } from './codex.ts';

function capture() {
  let text = '';
  const stdout = new Writable({ write: (chunk, _encoding, done) => ((text += chunk), done()) });
  return { stdout, text: () => text };
}

const configYaml = `
providers:
  anthro: { type: anthropic, api_key: k }
models:
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5, reasoning_effort: high }
  long: { provider: anthro, model: claude-sonnet-4-5, context_window: 1000000 }
`;

test('writes the provider block and a catalog giving every alias Codex metadata', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), configYaml);
  const codexHome = join(dir, 'codex-home');
  const out = capture();
  await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', codexHome, '--url', 'http://127.0.0.1:4141', '--write'], {
    stdout: out.stdout,
    env: {},
  });
  const toml = readFileSync(join(codexHome, 'config.toml'), 'utf8');
  assert.match(toml, /^model = "claude-sonnet"$/m);
  assert.match(toml, /^model_provider = "switchyard"$/m);
  assert.match(toml, /^base_url = "http:\/\/127\.0\.0\.1:4141\/v1"$/m);
  assert.match(toml, /^wire_api = "responses"$/m);
  const catalog = JSON.parse(readFileSync(join(codexHome, 'switchyard-models.json'), 'utf8')) as { models: Array<Record<string, unknown>> };
  assert.deepEqual(
    catalog.models.map((model) => model['slug']),
    ['claude-sonnet', 'long'],
  );
  const [sonnet, long] = catalog.models;
  assert.equal(sonnet!['context_window'], 200_000);
  assert.equal(long!['context_window'], 1_000_000);
  assert.equal(sonnet!['apply_patch_tool_type'], 'freeform');
  assert.equal(sonnet!['default_reasoning_level'], 'high');
  assert.equal(sonnet!['auto_compact_token_limit'], 180_000);
  assert.equal(typeof sonnet!['base_instructions'], 'string', "keeps Codex's own base prompt");

  await assert.rejects(
    runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', codexHome, '--write'], { stdout: capture().stdout, env: {} }),
    /already sets a model or provider/,
  );
});

test('without --write it only prints, and an unknown --model is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), configYaml);
  const out = capture();
  await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', join(dir, 'home'), '--model', 'long'], { stdout: out.stdout, env: {} });
  assert.match(out.text(), /model = "long"/);
  await assert.rejects(
    runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--model', 'nope'], { stdout: capture().stdout, env: {} }),
    /--model: "nope" is not an alias/,
  );
});
