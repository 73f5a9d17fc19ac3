/**
 * Drives the real Codex CLI (`@openai/codex` 0.169, a native binary behind a Node wrapper)
 * through one non-interactive `codex exec` run against a local Responses endpoint (the gateway
 * or a fake), and hands back what it printed, its final message and where it worked.
 *
 * Every run is private: a fresh temp root holds CODEX_HOME, HOME, TMPDIR and (by default) the
 * working directory, so no user config, skill, login or session leaks in or out, and runs can
 * go in parallel. Findings behind each choice: docs/codex-cli-notes.md.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SWITCHYARD_API_KEY_ENV, writeCodexConfig, type CodexReasoningEffort } from './codex-config.ts';
import { spawnBounded } from '../../support/spawn-bounded.ts';

export { renderCodexConfig, writeCodexConfig, type CodexConfigOptions, type CodexReasoningEffort } from './codex-config.ts';

/** The npm wrapper script; it finds the platform binary (`@openai/codex-linux-x64`) itself. */
export const codexEntryPath = createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');

/**
 * `-c` overrides that keep Codex off the network except for our provider. Observed with strace
 * on 0.169 (docs/codex-cli-notes.md): without them it resolves ab.chatgpt.com (analytics),
 * github.com + api.github.com (curated plugin sync, via `git ls-remote` and HTTP) and
 * chatgpt.com (plugin export archive). Passed as flags, not in config.toml, so extraConfigToml
 * can still open these tables.
 */
export const NETWORK_ISOLATION_OVERRIDES: readonly string[] = [
  'analytics.enabled=false', // ab.chatgpt.com; also turns `analytics_enabled` false in x-codex-turn-metadata
  'features.plugins=false', // curated plugin sync: git ls-remote github.com, api.github.com, chatgpt.com
  'feedback.enabled=false', // nothing observed in exec; belt and braces
  'check_for_update_on_startup=false', // the update check is TUI-only today; belt and braces
];

/**
 * For `configOverrides` in error-path tests: with Codex's defaults one HTTP 500 turns into 30
 * requests over ~26 s (5 HTTP retries × 6 stream retries, with backoff); with these, one.
 */
export const FAIL_FAST_OVERRIDES: readonly string[] = ['model_providers.switchyard.request_max_retries=0', 'model_providers.switchyard.stream_max_retries=0'];

/** Variables dropped from the inherited environment, and why. */
const DROPPED_ENV = [
  // A proxy would swallow the requests to 127.0.0.1 (reqwest honours these).
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  // Real credentials never reach the test provider; CODEX_* would redirect home/sandbox state.
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'CODEX_API_KEY',
  'CODEX_HOME',
  'CODEX_SQLITE_HOME',
  'CODEX_SANDBOX',
  'CODEX_SANDBOX_NETWORK_DISABLED',
  // Set by `node --test` in child processes: a `node` run by Codex's shell would report to it.
  'NODE_TEST_CONTEXT',
];

export interface RunCodexOptions {
  /** Provider base URL including `/v1`, e.g. http://127.0.0.1:4141/v1. */
  baseUrl: string;
  apiKey: string;
  model: string;
  prompt: string;
  /** Working directory of the agent; default: a fresh empty temp dir (removed by dispose). */
  cwd?: string;
  reasoningEffort?: CodexReasoningEffort;
  /** `{ models: [ModelInfo…] }` written next to config.toml and set as `model_catalog_json`. */
  modelCatalog?: object;
  /** Raw TOML added to config.toml (see CodexConfigOptions.extraConfigToml). */
  extraConfigToml?: string;
  /** Writes `supports_websockets = true` for the provider (Codex then talks over a WebSocket). */
  supportsWebsockets?: boolean;
  /** More `-c key=value` overrides, applied after (and winning over) the harness's own. */
  configOverrides?: string[];
  /** More `codex exec` flags, placed before the prompt. */
  extraArgs?: string[];
  /** Extra environment for Codex (and the commands it runs). */
  env?: Record<string, string>;
  /** Hard limit for the whole run; the process group is killed after it. Default 120000. */
  timeoutMs?: number;
}

/** One line of `codex exec --json` (thread.started, turn.*, item.*, error). */
export interface CodexJsonEvent {
  type: string;
  [field: string]: unknown;
}

export interface RunCodexResult {
  /** Process (and process group) id of the Codex run; the group is gone when runCodex returns. */
  pid: number;
  /** null when Codex was killed by a signal (see `signal`, `timedOut`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** JSONL events (`--json`); parsed into `events`. */
  stdout: string;
  stderr: string;
  events: CodexJsonEvent[];
  /** The agent's final message (`--output-last-message`), '' when it wrote none. */
  lastMessage: string;
  cwd: string;
  codexHome: string;
  /** The exact argv after `node`, to reproduce a run by hand with the same env. */
  args: string[];
  /** Removes the temp root (CODEX_HOME, HOME, TMPDIR, default cwd). A caller's cwd is kept. */
  dispose(): Promise<void>;
}

function parseJsonLines(text: string): CodexJsonEvent[] {
  const events: CodexJsonEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as CodexJsonEvent);
    } catch {
      // A line cut by a kill: the raw text is still in stdout.
    }
  }
  return events;
}

export async function runCodex(options: RunCodexOptions): Promise<RunCodexResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'switchyard-codex-'));
  const codexHome = path.join(root, 'codex-home');
  const userHome = path.join(root, 'user-home');
  // Codex refuses to create its PATH helpers (the `apply_patch` alias a model may call from the
  // shell) when CODEX_HOME lies under the temp dir; a private TMPDIR beside it avoids that.
  const privateTmp = path.join(root, 'tmp');
  const cwd = options.cwd ?? path.join(root, 'work');
  await Promise.all([mkdir(codexHome), mkdir(userHome), mkdir(privateTmp), mkdir(cwd, { recursive: true })]);

  let modelCatalogPath: string | undefined;
  if (options.modelCatalog !== undefined) {
    modelCatalogPath = path.join(codexHome, 'model-catalog.json');
    await writeFile(modelCatalogPath, JSON.stringify(options.modelCatalog, null, 2), 'utf8');
  }
  await writeCodexConfig(codexHome, {
    baseUrl: options.baseUrl,
    model: options.model,
    ...(options.reasoningEffort === undefined ? {} : { reasoningEffort: options.reasoningEffort }),
    ...(modelCatalogPath === undefined ? {} : { modelCatalogPath }),
    ...(options.extraConfigToml === undefined ? {} : { extraConfigToml: options.extraConfigToml }),
    ...(options.supportsWebsockets ? { supportsWebsockets: true } : {}),
  });

  const lastMessagePath = path.join(root, 'last-message.txt');
  const overrides = [...NETWORK_ISOLATION_OVERRIDES, ...(options.configOverrides ?? [])];
  const args = [
    codexEntryPath,
    'exec',
    '--json', // machine-readable events on stdout; stderr stays empty unless something breaks
    '--color',
    'never',
    '--skip-git-repo-check', // the temp cwd is no git repo; exec refuses to start otherwise
    // approval_policy=never + sandbox danger-full-access: no prompt, no bwrap/seccomp needed.
    // Works as root in any container; the test machine itself is the sandbox.
    '--dangerously-bypass-approvals-and-sandbox',
    '--cd',
    cwd,
    '--output-last-message',
    lastMessagePath,
    ...overrides.flatMap((override) => ['-c', override]),
    ...(options.extraArgs ?? []),
    // The prompt comes on stdin: a prompt like "resume …" or "-x" can't be taken for a
    // subcommand or a flag.
    '-',
  ];

  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_ENV) delete environment[name];
  Object.assign(environment, {
    CODEX_HOME: codexHome,
    [SWITCHYARD_API_KEY_ENV]: options.apiKey,
    // Keeps ~/.agents/skills, ~/.bashrc … of the machine out of the prompt and the shell.
    HOME: userHome,
    TMPDIR: privateTmp,
    NO_COLOR: '1',
    ...options.env,
  });

  // Own process group with a hard limit: a timeout kills Codex, the Node wrapper and every
  // shell it started. The prompt goes on stdin.
  const { pid, exitCode, signal, timedOut, stdout, stderr } = await spawnBounded(process.execPath, args, {
    cwd,
    env: environment,
    timeoutMs: options.timeoutMs ?? 120_000,
    stdin: options.prompt,
  });

  const lastMessage = await readFile(lastMessagePath, 'utf8').catch(() => '');
  return {
    pid,
    exitCode,
    signal,
    timedOut,
    stdout,
    stderr,
    events: parseJsonLines(stdout),
    lastMessage,
    cwd,
    codexHome,
    args,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
