/**
 * Model metadata for Codex (`model_catalog_json`). Codex picks tools, reasoning controls,
 * base instructions and the context window from its catalog entry for the model slug; a slug
 * it does not know gets fallback metadata (function tools only, a 272k window) and a warning.
 * A custom catalog REPLACES the bundled one, so it must list every slug the run uses:
 * `withModelAlias` therefore starts from the bundled catalog (`codex debug models`) and adds an
 * alias that copies an existing model, e.g. a gateway alias that behaves like `gpt-5.5`
 * (freeform `apply_patch`, `tool_search`, `reasoning.effort`, `text.verbosity`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { codexEntryPath, NETWORK_ISOLATION_OVERRIDES } from './run-codex.ts';

/** One `ModelInfo`; Codex 0.169 requires: slug, display_name, supported_reasoning_levels,
 * shell_type, visibility, supported_in_api, priority, base_instructions (or model_messages),
 * support_verbosity, truncation_policy, experimental_supported_tools. */
export interface CodexModelInfo {
  slug: string;
  display_name: string;
  [field: string]: unknown;
}

export interface CodexModelCatalog {
  models: CodexModelInfo[];
}

let bundledCatalog: Promise<CodexModelCatalog> | undefined;

async function renderBundledCatalog(): Promise<CodexModelCatalog> {
  const root = await mkdtemp(path.join(tmpdir(), 'switchyard-codex-catalog-'));
  try {
    const codexHome = path.join(root, 'codex-home');
    const privateTmp = path.join(root, 'tmp');
    await Promise.all([mkdir(codexHome), mkdir(privateTmp)]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [codexEntryPath, 'debug', 'models', ...NETWORK_ISOLATION_OVERRIDES.flatMap((override) => ['-c', override])],
      {
        env: { ...process.env, CODEX_HOME: codexHome, HOME: root, TMPDIR: privateTmp },
        timeout: 30_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const catalog = JSON.parse(stdout) as CodexModelCatalog;
    if (!Array.isArray(catalog.models)) throw new Error('codex debug models: no models array');
    return catalog;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Codex's own bundled catalog (what it uses without `model_catalog_json`); cached per process. */
export function readBundledModelCatalog(): Promise<CodexModelCatalog> {
  bundledCatalog ??= renderBundledCatalog();
  return bundledCatalog;
}

/**
 * A copy of `catalog` with one more model: `alias` behaving like the existing slug `like`,
 * with `overrides` applied on top (e.g. `{ context_window: 200000 }`). An existing entry named
 * `alias` is replaced. The upgrade notice of the original is dropped: it names OpenAI's model.
 */
export function withModelAlias(catalog: CodexModelCatalog, alias: { alias: string; like: string; overrides?: Partial<CodexModelInfo> }): CodexModelCatalog {
  const original = catalog.models.find((model) => model.slug === alias.like);
  if (original === undefined) throw new Error(`model catalog has no slug ${alias.like}`);
  const entry: CodexModelInfo = { ...structuredClone(original), slug: alias.alias, display_name: alias.alias, upgrade: null, ...alias.overrides };
  return { models: [...catalog.models.filter((model) => model.slug !== alias.alias), entry] };
}
