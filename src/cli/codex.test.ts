import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildCodexCatalog, neutralInstructions, runCodexSetup } from './codex.ts';
import { parseConfigText } from '../config/load-config.ts';
import { encodeOutputSettings } from '../dialects/anthropic-messages/encode-output-settings.ts';
import { ToolNameMap } from '../core/tool-names.ts';
import { Warnings } from '../core/warnings.ts';

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
  assert.match(toml, /^supports_websockets = true$/m, 'Codex takes the Responses WebSocket the gateway serves');
  assert.match(toml, /^model_reasoning_effort = "high"$/m, "the alias's default, so Codex's header says what it sends");
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
    /already sets a model or provider; .*Use --profile switchyard/,
  );
});

test('--profile writes CODEX_HOME/NAME.config.toml with its own catalog when config.toml already sets a model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), configYaml);
  const codexHome = join(dir, 'codex-home');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(codexHome);
  writeFileSync(join(codexHome, 'config.toml'), 'model = "gpt-5.5"\n');
  const args = [
    '--config',
    join(dir, 'switchyard.yaml'),
    '--codex-home',
    codexHome,
    '--url',
    'http://127.0.0.1:4141',
    '--write',
    '--profile',
    'sy',
    '--model',
    'long',
  ];
  const out = capture();
  await runCodexSetup(args, { stdout: out.stdout, env: {} });
  assert.match(out.text(), /codex --profile sy/);
  assert.equal(readFileSync(join(codexHome, 'config.toml'), 'utf8'), 'model = "gpt-5.5"\n', 'the user config is untouched');
  const profile = readFileSync(join(codexHome, 'sy.config.toml'), 'utf8');
  assert.match(profile, /^model = "long"$/m);
  assert.match(profile, /^model_provider = "switchyard"$/m);
  assert.match(profile, new RegExp(`^model_catalog_json = "${join(codexHome, 'switchyard-models.sy.json').replaceAll('/', '\\/')}"$`, 'm'));
  assert.match(profile, /^\[model_providers\.switchyard\]$/m);
  assert.equal((JSON.parse(readFileSync(join(codexHome, 'switchyard-models.sy.json'), 'utf8')) as { models: unknown[] }).models.length, 2);
  // Ours to rewrite; someone else's profile file is not.
  await runCodexSetup(args, { stdout: capture().stdout, env: {} });
  writeFileSync(join(codexHome, 'other.config.toml'), 'model = "o3"\n');
  await assert.rejects(runCodexSetup([...args.slice(0, -3), 'other'], { stdout: capture().stdout, env: {} }), /was not written by switchyard codex/);
});

test("catalog entries come from the alias's facts, without OpenAI's product metadata", () => {
  const config = parseConfigText(
    `providers:
  anthro: { type: anthropic, api_key: k }
  local: { type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", quirks: { images: false } }
models:
  capped: { provider: anthro, model: claude-sonnet-4-5, context_window: 100000, max_output_tokens: 32000, reasoning_effort: xhigh }
  plain: { provider: local, model: llama, supports_reasoning: false }
  pair:
    targets: [{ provider: anthro, model: claude-opus-4-1, context_window: 200000 }, { provider: local, model: llama, context_window: 32000 }]
`,
    { env: {}, source: 't', cwd: '/tmp' },
  );
  // The shape `codex debug models` prints for an OpenAI model, marketing included.
  const template = {
    slug: 'gpt-5.5',
    display_name: 'GPT-5.5',
    description: 'Legacy coding model.',
    upgrade: { model: 'gpt-6-sol', migration_markdown: 'Meet GPT-6 Sol' },
    additional_speed_tiers: ['fast'],
    service_tiers: [{ id: 'priority', name: 'Fast' }],
    availability_nux: null,
    model_messages: { instructions_template: 'You are Codex, a coding agent based on GPT-5. {{ personality }}' },
    supports_image_detail_original: true,
    web_search_tool_type: 'text_and_image',
    shell_type: 'unified_exec',
    truncation_policy: { mode: 'tokens', limit: 10000 },
    context_window: 272000,
    base_instructions: 'You are Codex, a coding agent based on GPT-5. You and the user share one workspace.',
  };
  const [capped, plain, pair] = buildCodexCatalog(config, template).models;
  for (const entry of [capped!, plain!, pair!]) {
    for (const field of [
      'upgrade',
      'additional_speed_tiers',
      'service_tiers',
      'availability_nux',
      'model_messages',
      'supports_image_detail_original',
      'web_search_tool_type',
    ]) {
      assert.equal(field in entry, false, `${entry.slug} has no ${field}`);
    }
    assert.equal(entry['base_instructions'], 'You are Codex, a coding agent. You and the user share one workspace.');
    assert.equal(entry['shell_type'], 'unified_exec', "Codex's own tool settings stay");
    assert.equal(entry['apply_patch_tool_type'], 'freeform');
  }
  assert.equal(capped!['context_window'], 100_000);
  assert.equal(capped!['auto_compact_token_limit'], 68_000, 'the window minus the output cap');
  assert.match(String(capped!['description']), /output up to 32000 tokens/);
  assert.deepEqual(
    (capped!['supported_reasoning_levels'] as Array<{ effort: string }>).map((level) => level.effort),
    ['low', 'medium', 'high', 'xhigh'],
  );
  assert.equal(capped!['default_reasoning_level'], 'xhigh');
  assert.deepEqual(plain!['supported_reasoning_levels'], []);
  assert.equal(plain!['default_reasoning_level'], null);
  assert.deepEqual(plain!['input_modalities'], ['text'], 'images: false means a text-only entry');
  assert.deepEqual(capped!['input_modalities'], ['text', 'image']);
  assert.equal(pair!['context_window'], 32_000, 'what every target of the alias can take');
  assert.deepEqual(pair!['input_modalities'], ['text']);
  assert.equal(neutralInstructions('You are Codex, an agent based on GPT-6.1. Go.'), 'You are Codex, an agent. Go.');
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

test('an alias with no reasoning default: the effort Codex is told, the catalog default and what reaches Anthropic agree', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), configYaml);
  const codexHome = join(dir, 'codex-home');
  await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', codexHome, '--model', 'long', '--write'], {
    stdout: capture().stdout,
    env: {},
  });
  const toml = readFileSync(join(codexHome, 'config.toml'), 'utf8');
  const catalog = JSON.parse(readFileSync(join(codexHome, 'switchyard-models.json'), 'utf8')) as { models: Array<Record<string, unknown>> };
  const shown = /^model_reasoning_effort = "([a-z]+)"$/m.exec(toml)?.[1];
  assert.equal(shown, catalog.models.find((entry) => entry['slug'] === 'long')!['default_reasoning_level']);
  assert.equal(shown, 'medium');
  // Codex sends `reasoning.effort` = that level (docs/codex-cli-notes.md); Anthropic then gets medium's budget.
  const request = { model: 'claude-sonnet-4-5', system: [], messages: [], tools: [], stream: true, extensions: {}, reasoning: { effort: shown as 'medium' } };
  const settings = encodeOutputSettings({
    request,
    target: { model: 'claude-sonnet-4-5', family: 'anthropic' },
    toolNames: ToolNameMap.fromTools([]),
    warnings: new Warnings(),
  });
  assert.deepEqual(settings.thinking, { type: 'enabled', budget_tokens: 8192 });
});

test('a model_reasoning_effort the user already set in config.toml is left to them (no duplicate key)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), configYaml);
  const codexHome = join(dir, 'codex-home');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, 'config.toml'), 'model_reasoning_effort = "low"\n');
  await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', codexHome, '--write'], { stdout: capture().stdout, env: {} });
  const toml = readFileSync(join(codexHome, 'config.toml'), 'utf8');
  assert.deepEqual(toml.match(/^model_reasoning_effort = .*$/gm), ['model_reasoning_effort = "low"']);
});

test('with attribution headers configured, the provider block gets env_http_headers and the run line names the variables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  writeFileSync(join(dir, 'switchyard.yaml'), `${configYaml}\nattribution:\n  headers: { repo: x-repo, developer: x-developer-email }\n`);
  const out = capture();
  await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', join(dir, 'home')], { stdout: out.stdout, env: {} });
  assert.match(out.text(), /^env_http_headers = \{ "x-repo" = "SWITCHYARD_ATTR_REPO", "x-developer-email" = "SWITCHYARD_ATTR_DEVELOPER" \}$/m);
  assert.match(out.text(), /SWITCHYARD_ATTR_REPO=<value> SWITCHYARD_ATTR_DEVELOPER=<value> codex/);
});
