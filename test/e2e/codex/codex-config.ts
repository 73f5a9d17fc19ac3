/**
 * The `$CODEX_HOME/config.toml` a Switchyard user writes (what `switchyard codex` writes), plus
 * the few settings a test needs. Network isolation is NOT in here: run-codex.ts passes it as
 * `-c` overrides so that `extraConfigToml` may still open `[features]`, `[analytics]` … tables.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type CodexReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** The provider id in `[model_providers.<id>]`; also the value of `model_provider`. */
export const SWITCHYARD_PROVIDER_ID = 'switchyard';
/** Env var Codex reads the key from (`env_key`); sent as `authorization: Bearer <key>`. */
export const SWITCHYARD_API_KEY_ENV = 'SWITCHYARD_API_KEY';

export interface CodexConfigOptions {
  /** Provider base URL including `/v1`; Codex appends `/responses`. */
  baseUrl: string;
  model: string;
  /** Becomes `model_reasoning_effort`; Codex then sends `reasoning.effort`. */
  reasoningEffort?: CodexReasoningEffort;
  /** Absolute path for `model_catalog_json` (the catalog REPLACES Codex's bundled one). */
  modelCatalogPath?: string;
  /**
   * Raw TOML placed after the root keys and before the provider table, so it may hold root
   * keys and `[tables]` alike. It must not repeat a key set here (TOML forbids duplicates):
   * override those with `-c` (RunCodexOptions.configOverrides) instead.
   */
  extraConfigToml?: string;
  /** `supports_websockets = true` in the provider block: Codex opens a WebSocket to `/responses`. */
  supportsWebsockets?: boolean;
}

/** JSON string escapes (\" \\ \n \uXXXX …) are all valid in a TOML basic string. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function renderCodexConfig(options: CodexConfigOptions): string {
  const lines = [
    '# Written by test/e2e/codex/codex-config.ts for one Codex run.',
    `model = ${tomlString(options.model)}`,
    `model_provider = ${tomlString(SWITCHYARD_PROVIDER_ID)}`,
  ];
  if (options.reasoningEffort !== undefined) lines.push(`model_reasoning_effort = ${tomlString(options.reasoningEffort)}`);
  if (options.modelCatalogPath !== undefined) lines.push(`model_catalog_json = ${tomlString(options.modelCatalogPath)}`);
  if (options.extraConfigToml !== undefined && options.extraConfigToml.trim().length > 0) {
    lines.push('', options.extraConfigToml.trim());
  }
  lines.push(
    '',
    `[model_providers.${SWITCHYARD_PROVIDER_ID}]`,
    // Not "OpenAI"/"azure": those names switch on Codex's remote compaction v2.
    `name = ${tomlString(SWITCHYARD_PROVIDER_ID)}`,
    `base_url = ${tomlString(options.baseUrl)}`,
    `env_key = ${tomlString(SWITCHYARD_API_KEY_ENV)}`,
    // The only wire API Codex 0.122+ accepts.
    'wire_api = "responses"',
  );
  if (options.supportsWebsockets) lines.push('supports_websockets = true');
  lines.push('');
  return lines.join('\n');
}

/** Writes `<codexHome>/config.toml` (creating the folder) and returns its path. */
export async function writeCodexConfig(codexHome: string, options: CodexConfigOptions): Promise<string> {
  await mkdir(codexHome, { recursive: true });
  const configPath = path.join(codexHome, 'config.toml');
  await writeFile(configPath, renderCodexConfig(options), 'utf8');
  return configPath;
}
