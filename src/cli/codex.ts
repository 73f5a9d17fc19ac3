import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import { providerDescriptor } from '../providers/registry.ts';

export const codexUsage = `Usage: switchyard codex [--config FILE] [--url URL] [--codex-home DIR] [--model ALIAS] [--write]

Prints (or with --write, writes) a Codex CLI setup for this gateway: the provider block for
config.toml and a model catalog giving every alias its context window, the freeform
apply_patch tool and reasoning levels.
`;

/** Context windows assumed per provider family when a model entry gives none. */

type ModelInfo = Record<string, unknown> & { slug: string };

/** One catalog entry per alias, cloned from Codex's own metadata for a current model. */
export function buildCodexCatalog(config: RuntimeConfig, template: ModelInfo): { models: ModelInfo[] } {
  const models = Object.values(config.models).map((model, index) => {
    const target = model.targets[0]!;
    const provider = config.providers[target.provider]!;
    const contextWindow = Math.min(
      ...model.targets.map((entry) => entry.contextWindow ?? providerDescriptor(config.providers[entry.provider]!.type).defaultContextWindow),
    );
    const reasons = target.supportsReasoning === false ? [] : ['low', 'medium', 'high'].map((effort) => ({ effort, description: effort }));
    return {
      ...template,
      slug: model.alias,
      display_name: model.alias,
      description: `${target.model} via Switchyard (${provider.name})`,
      priority: index + 1,
      visibility: 'list',
      supported_in_api: true,
      context_window: contextWindow,
      max_context_window: contextWindow,
      // Codex compacts at this size; leave headroom for the answer.
      auto_compact_token_limit: Math.floor(contextWindow * 0.9),
      // Switchyard turns the freeform tool into whatever the provider can call, so every alias gets it.
      apply_patch_tool_type: 'freeform',
      supports_parallel_tool_calls: true,
      supported_reasoning_levels: reasons,
      default_reasoning_level: target.reasoningEffort ?? (reasons.length > 0 ? 'medium' : null),
    };
  });
  return { models };
}

export function renderCodexProviderToml(options: { url: string; model: string; catalogPath: string }): string {
  return [
    `model = ${JSON.stringify(options.model)}`,
    'model_provider = "switchyard"',
    `model_catalog_json = ${JSON.stringify(options.catalogPath)}`,
    '',
    '[model_providers.switchyard]',
    'name = "switchyard"   # not "OpenAI"/"azure": those names switch on remote compaction',
    `base_url = ${JSON.stringify(`${options.url.replace(/\/+$/, '')}/v1`)}`,
    'env_key = "SWITCHYARD_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}

/** Codex's bundled metadata for a current model (the base prompt and tool settings), if Codex is installed. */
async function codexTemplate(): Promise<ModelInfo> {
  const fallback: ModelInfo = {
    slug: 'template',
    shell_type: 'shell_command',
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10000 },
    supports_reasoning_summary_parameter: false,
    experimental_supported_tools: [],
    input_modalities: ['text'],
    base_instructions: "You are Codex, a coding agent. Work in the user's repository with the tools you are given.",
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
  const catalogPath = join(codexHome, 'switchyard-models.json');
  const catalog = buildCodexCatalog(config, await codexTemplate());
  const toml = renderCodexProviderToml({ url, model, catalogPath });
  if (!values.write) {
    io.stdout.write(`# Add to ${join(codexHome, 'config.toml')} (run with --write to do it), then: SWITCHYARD_API_KEY=<your key> codex\n${toml}`);
    return;
  }
  mkdirSync(codexHome, { recursive: true });
  const configPath = join(codexHome, 'config.toml');
  const existing = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  if (/^\s*\[model_providers\.switchyard\]/m.test(existing) || /^\s*model_provider\s*=/m.test(existing) || /^\s*model\s*=/m.test(existing)) {
    throw new Error(`${configPath} already sets a model or provider; not changing it. Run without --write and merge the block by hand.`);
  }
  writeFileSync(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
  // Top-level keys must come before any [table] in TOML, so the block goes first.
  writeFileSync(configPath, `${toml}\n${existing}`);
  io.stdout.write(`Wrote ${configPath} and ${catalogPath} (${catalog.models.length} aliases). Now: SWITCHYARD_API_KEY=<your key> codex\n`);
}
