import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { providerDescriptor } from '../providers/registry.ts';

export const codexUsage = `Usage: switchyard codex [--config FILE] [--url URL] [--codex-home DIR] [--model ALIAS] [--write] [--profile NAME]

Prints (or with --write, writes) a Codex CLI setup for this gateway: the provider block for
config.toml and a model catalog giving every alias its own context window, output cap,
reasoning levels and the freeform apply_patch tool.

--profile NAME writes the setup as the Codex profile CODEX_HOME/NAME.config.toml instead of
into config.toml (use it when config.toml already chooses a model); run \`codex --profile NAME\`.
`;

type ModelInfo = Record<string, unknown> & { slug: string };

/**
 * Fields taken from Codex's own metadata: how Codex drives a model (its shell tool, output
 * truncation, which instruction blocks it adds), not facts about any model. Everything else
 * in an entry comes from the alias; OpenAI's product metadata (upgrade prompts, speed and
 * service tiers, availability notices, descriptions, per-model message templates) is left out.
 */
const codexBehaviourFields = [
  'shell_type',
  'truncation_policy',
  'experimental_supported_tools',
  'include_skills_usage_instructions',
  'include_plugin_usage_instructions',
  'include_apps_usage_instructions',
  'effective_context_window_percent',
] as const;

/** Efforts Codex offers for a reasoning model; a configured default outside them is added. */
const standardEfforts = ['low', 'medium', 'high'] as const;

/** Codex's base prompt without the claim about which model it is (the alias may be any vendor's). */
export function neutralInstructions(text: string): string {
  return text.replace(/\s*,?\s*based on (?:OpenAI'?s? )?GPT-\d+(?:\.\d+)*(?:-[a-z]+)?/gi, '').trim();
}

/** One catalog entry per alias, from the alias's own facts. */
export function buildCodexCatalog(config: RuntimeConfig, template: ModelInfo): { models: ModelInfo[] } {
  const behaviour = Object.fromEntries(codexBehaviourFields.filter((field) => template[field] !== undefined).map((field) => [field, template[field]]));
  const baseInstructions =
    typeof template['base_instructions'] === 'string'
      ? neutralInstructions(template['base_instructions'])
      : "You are Codex, a coding agent. Work in the user's repository with the tools you are given.";
  const models = Object.values(config.models).map((model, index) => {
    const target = model.targets[0]!;
    const provider = config.providers[target.provider]!;
    // What every target can take: the smallest window and cap, reasoning only if all reason.
    const contextWindow = Math.min(
      ...model.targets.map((entry) => entry.contextWindow ?? providerDescriptor(config.providers[entry.provider]!.type).defaultContextWindow),
    );
    const caps = model.targets.flatMap((entry) => (entry.maxOutputTokens === undefined ? [] : [entry.maxOutputTokens]));
    const outputCap = caps.length > 0 ? Math.min(...caps) : undefined;
    const reasons = model.targets.some((entry) => entry.supportsReasoning === false) ? [] : reasoningLevels(target.reasoningEffort);
    const textOnly = model.targets.some((entry) => config.providers[entry.provider]!.quirks['images'] === false);
    // Codex compacts at this size; leave headroom for the answer (the output cap when known).
    const compactAt = Math.max(1, Math.min(Math.floor(contextWindow * 0.9), outputCap === undefined ? contextWindow : contextWindow - outputCap));
    return {
      ...behaviour,
      slug: model.alias,
      display_name: model.alias,
      description: `${model.targets.map((entry) => `${entry.provider}/${entry.model}`).join(', ')} via Switchyard${outputCap ? ` (output up to ${outputCap} tokens)` : ''}`,
      priority: index + 1,
      visibility: 'list',
      supported_in_api: true,
      context_window: contextWindow,
      max_context_window: contextWindow,
      auto_compact_token_limit: compactAt,
      // Switchyard turns the freeform tool into whatever the provider can call, so every alias gets it.
      apply_patch_tool_type: 'freeform',
      supports_parallel_tool_calls: true,
      // Verbosity and reasoning summaries are OpenAI Responses parameters; only an OpenAI target takes them.
      support_verbosity: provider.type === 'openai' && model.targets.length === 1,
      supports_reasoning_summary_parameter: false,
      input_modalities: textOnly ? ['text'] : ['text', 'image'],
      supported_reasoning_levels: reasons,
      default_reasoning_level: reasons.length === 0 ? null : (target.reasoningEffort ?? 'medium'),
      base_instructions: baseInstructions,
    };
  });
  return { models };
}

function reasoningLevels(configured: string | undefined): Array<{ effort: string; description: string }> {
  const efforts: string[] = [...standardEfforts];
  if (configured && configured !== 'none' && !efforts.includes(configured)) efforts.push(configured);
  return efforts.map((effort) => ({ effort, description: `${effort} reasoning effort` }));
}

/**
 * `reasoningEffort` is the chosen alias's catalog `default_reasoning_level`. Codex sends that
 * level when `model_reasoning_effort` is unset but shows "reasoning effort: none" in its header,
 * while the provider thinks at that level; written out, what Codex shows, what it sends and what
 * reaches the provider agree.
 */
export function renderCodexProviderToml(options: {
  url: string;
  model: string;
  catalogPath: string;
  profile?: string;
  reasoningEffort?: string;
  /** Request header → environment variable Codex reads its value from (attribution). */
  envHttpHeaders?: Record<string, string>;
}): string {
  const headers = Object.entries(options.envHttpHeaders ?? {});
  return [
    ...(options.profile ? [`# Codex profile written by switchyard codex: codex --profile ${options.profile}`] : []),
    `model = ${JSON.stringify(options.model)}`,
    ...(options.reasoningEffort ? [`model_reasoning_effort = ${JSON.stringify(options.reasoningEffort)}`] : []),
    'model_provider = "switchyard"',
    `model_catalog_json = ${JSON.stringify(options.catalogPath)}`,
    '',
    '[model_providers.switchyard]',
    'name = "switchyard"   # not "OpenAI"/"azure": those names switch on remote compaction',
    `base_url = ${JSON.stringify(`${options.url.replace(/\/+$/, '')}/v1`)}`,
    'env_key = "SWITCHYARD_API_KEY"',
    'wire_api = "responses"',
    '# One WebSocket per session: each turn sends only its new items (the gateway keeps the rest).',
    'supports_websockets = true',
    // Codex sends each header whose variable is set (and non-empty) with every request.
    ...(headers.length > 0
      ? [`env_http_headers = { ${headers.map(([header, variable]) => `${JSON.stringify(header)} = ${JSON.stringify(variable)}`).join(', ')} }`]
      : []),
    '',
  ].join('\n');
}

/** The environment variable `switchyard codex` has Codex read an attribute from: repo → SWITCHYARD_ATTR_REPO. */
export function attributeVariable(attribute: string): string {
  return `SWITCHYARD_ATTR_${attribute.toUpperCase()}`;
}

/** Codex's bundled metadata for a current model (the base prompt and tool settings), if Codex is installed. */
async function codexTemplate(): Promise<ModelInfo> {
  const fallback: ModelInfo = {
    slug: 'template',
    shell_type: 'shell_command',
    truncation_policy: { mode: 'tokens', limit: 10000 },
    experimental_supported_tools: [],
  };
  try {
    const { stdout } = await promisify(execFile)(...codexCommand(['debug', 'models']), { timeout: 20_000, maxBuffer: 32 * 1024 * 1024 });
    const catalog = JSON.parse(stdout) as { models?: ModelInfo[] };
    return catalog.models?.find((model) => model.slug === 'gpt-5.5') ?? catalog.models?.[0] ?? fallback;
  } catch {
    return fallback;
  }
}

/** The installed Codex: the package next to Switchyard if present, else `codex` on PATH. */
function codexCommand(args: string[]): [string, string[]] {
  try {
    const entry = createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');
    return [process.execPath, [entry, ...args]];
  } catch {
    return ['codex', args];
  }
}

export async function runCodexSetup(
  argv: string[],
  io: { stdout: NodeJS.WritableStream; env: NodeJS.ProcessEnv } = { stdout: process.stdout, env: process.env },
): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      url: { type: 'string' },
      'codex-home': { type: 'string' },
      model: { type: 'string' },
      write: { type: 'boolean' },
      profile: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return void io.stdout.write(codexUsage);
  const config = loadConfig(values.config === undefined ? { env: io.env } : { configPath: values.config, env: io.env });
  const aliases = Object.keys(config.models);
  if (aliases.length === 0) throw new Error('no model aliases in the config: add `models:` entries first (Codex needs names to choose from)');
  const model = values.model ?? aliases[0]!;
  if (!aliases.includes(model)) throw new Error(`--model: "${model}" is not an alias (known: ${aliases.join(', ')})`);
  const url = values.url ?? io.env['SWITCHYARD_URL'] ?? `http://${config.server.host}:${config.server.port}`;
  const codexHome = resolve(values['codex-home'] ?? io.env['CODEX_HOME'] ?? join(homedir(), '.codex'));
  const profile = values.profile;
  if (profile !== undefined && !/^[A-Za-z0-9_-]+$/.test(profile)) throw new Error(`--profile: "${profile}" must be letters, digits, _ and - only`);
  const catalogPath = join(codexHome, profile ? `switchyard-models.${profile}.json` : 'switchyard-models.json');
  const catalog = buildCodexCatalog(config, await codexTemplate());
  // Codex reads a profile from its own file, CODEX_HOME/NAME.config.toml, layered over config.toml.
  const configPath = join(codexHome, profile ? `${profile}.config.toml` : 'config.toml');
  // A level the user already chose in config.toml stays theirs (Codex shows and sends it).
  const userEffort = !profile && existsSync(configPath) && /^\s*model_reasoning_effort\s*=/m.test(readFileSync(configPath, 'utf8'));
  const effort = catalog.models.find((entry) => entry.slug === model)?.['default_reasoning_level'];
  const envHttpHeaders = Object.fromEntries(Object.entries(config.attribution.headers).map(([attribute, header]) => [header, attributeVariable(attribute)]));
  const toml = renderCodexProviderToml({
    url,
    model,
    catalogPath,
    envHttpHeaders,
    ...(profile ? { profile } : {}),
    ...(typeof effort === 'string' && !userEffort ? { reasoningEffort: effort } : {}),
  });
  const variables = Object.values(envHttpHeaders).map((variable) => `${variable}=<value> `);
  const run = `${variables.join('')}${profile ? `codex --profile ${profile}` : 'codex'}`;
  if (!values.write) {
    io.stdout.write(`# Add to ${configPath} (run with --write to do it), then: SWITCHYARD_API_KEY=<your key> ${run}\n${toml}`);
    return;
  }
  mkdirSync(codexHome, { recursive: true });
  const existing = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  if (profile) {
    // A profile file is ours to rewrite only if we wrote it.
    if (existing && !existing.startsWith('# Codex profile written by switchyard codex')) {
      throw new Error(`${configPath} exists and was not written by switchyard codex; not changing it. Pick another --profile name.`);
    }
    writeFileSync(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
    writeFileSync(configPath, toml);
  } else {
    if (/^\s*\[model_providers\.switchyard\]/m.test(existing) || /^\s*model_provider\s*=/m.test(existing) || /^\s*model\s*=/m.test(existing)) {
      throw new Error(
        `${configPath} already sets a model or provider; not changing it. Use --profile switchyard to write a Codex profile instead, or run without --write and merge the block by hand.`,
      );
    }
    writeFileSync(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
    // Top-level keys must come before any [table] in TOML, so the block goes first.
    writeFileSync(configPath, `${toml}\n${existing}`);
  }
  io.stdout.write(`Wrote ${configPath} and ${catalogPath} (${catalog.models.length} aliases). Now: SWITCHYARD_API_KEY=<your key> ${run}\n`);
}
