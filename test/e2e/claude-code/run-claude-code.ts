/**
 * Drives the real Claude Code (`@anthropic-ai/claude-code` 2.1.330, a native Bun binary)
 * through one non-interactive `claude -p` run against a local Anthropic Messages endpoint (the
 * gateway or a fake), and hands back what it printed, its parsed result and where it worked.
 *
 * Every run is private: a fresh temp root holds HOME, CLAUDE_CONFIG_DIR, TMPDIR and (by
 * default) the working directory, so no user settings, login, memory or session leaks in or
 * out. Only the given base URL is contacted (checked with strace). Findings behind each
 * choice: docs/claude-code-notes.md.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnBounded } from '../../support/spawn-bounded.ts';

/** The native binary the package's postinstall copies over its placeholder. */
export const claudeBinaryPath = path.join(path.dirname(createRequire(import.meta.url).resolve('@anthropic-ai/claude-code/package.json')), 'bin', 'claude.exe');

/**
 * Keeps Claude Code off the network except for ANTHROPIC_BASE_URL. Observed with strace on
 * 2.1.330: without CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC it resolves api.anthropic.com
 * (first-party event logging, feature flags) even with a custom base URL; DISABLE_TELEMETRY
 * alone does not stop it. The rest are belt and braces for paths a print run did not take.
 */
export const NETWORK_ISOLATION_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_UPDATES: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
};

/** Inherited variables that would redirect, re-authenticate or re-route a run. */
const droppedEnvPattern = /^(ANTHROPIC_|CLAUDE|AWS_|OTEL_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)/i;
// NODE_TEST_CONTEXT: set by `node --test` in children; a `node` run by Claude's shell would report to it.
const droppedEnv = ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'VERTEX_REGION_CLAUDE_3_5_SONNET'];

export interface RunClaudeCodeOptions {
  /** Gateway origin WITHOUT /v1 (Claude Code appends /v1/messages), e.g. http://127.0.0.1:4141. */
  baseUrl: string;
  /** Sent as `x-api-key` (ANTHROPIC_API_KEY). */
  apiKey: string;
  prompt: string;
  /** Working directory of the agent; default: a fresh empty temp dir (removed by dispose). */
  cwd?: string;
  /** `--model`; default: Claude Code's own default model name. */
  model?: string;
  /** `--allowedTools`; every other tool is denied without a prompt (dontAsk). Default ['Bash']. */
  allowedTools?: string[];
  /** More flags, placed before the prompt. */
  extraArgs?: string[];
  /** Extra environment for Claude Code (and the commands it runs); wins over the harness's. */
  env?: Record<string, string>;
  /** Hard limit for the whole run; the process group is killed after it. Default 60000. */
  timeoutMs?: number;
}

/** The single JSON object `--output-format json` prints (fields seen on 2.1.330). */
export interface ClaudeCodeResult {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result?: string;
  num_turns: number;
  stop_reason?: string | null;
  session_id: string;
  permission_denials: unknown[];
  api_error_status?: number | null;
  usage?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface RunClaudeCodeResult {
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The parsed result object, undefined when Claude Code printed none (killed, crashed). */
  result: ClaudeCodeResult | undefined;
  /** The agent's final text (`result.result`), '' when there is none. */
  finalText: string;
  cwd: string;
  /** Private HOME; `.claude/projects/<cwd>/<session>.jsonl` is the run's full transcript. */
  home: string;
  /** The exact argv after the binary, to reproduce a run by hand with the same env. */
  args: string[];
  /** Removes the temp root (HOME, config, TMPDIR, default cwd). A caller's cwd is kept. */
  dispose(): Promise<void>;
}

function parseResult(stdout: string): ClaudeCodeResult | undefined {
  const line = stdout.split('\n').findLast((candidate) => candidate.startsWith('{'));
  if (line === undefined) return undefined;
  try {
    const parsed = JSON.parse(line) as ClaudeCodeResult;
    return parsed.type === 'result' ? parsed : undefined;
  } catch {
    return undefined; // cut by a kill: the raw text is still in stdout
  }
}

export async function runClaudeCode(options: RunClaudeCodeOptions): Promise<RunClaudeCodeResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'switchyard-claude-'));
  const home = path.join(root, 'home');
  const configDir = path.join(home, '.claude');
  const privateTmp = path.join(root, 'tmp');
  const cwd = options.cwd ?? path.join(root, 'work');
  await Promise.all([mkdir(configDir, { recursive: true }), mkdir(privateTmp), mkdir(cwd, { recursive: true })]);

  const args = [
    '--print',
    // One JSON result object on stdout. stream-json (+ --verbose) would also work, but it makes
    // Claude Code ask for `thinking.display: "updates"` under an extra beta, which a strict
    // Messages emulator refuses (it then retries without): json keeps one request per turn.
    '--output-format',
    'json',
    // dontAsk: a tool outside --allowedTools is denied at once (the model is told so), never
    // prompted for; no --dangerously-skip-permissions needed (refused as root anyway).
    '--permission-mode',
    'dontAsk',
    '--allowedTools',
    (options.allowedTools ?? ['Bash']).join(','),
    // No MCP server from any settings file may start.
    '--strict-mcp-config',
    ...(options.model === undefined ? [] : ['--model', options.model]),
    ...(options.extraArgs ?? []),
    // The prompt comes on stdin: a prompt starting with "-" can't be taken for a flag.
  ];

  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!droppedEnvPattern.test(name) && !droppedEnv.includes(name)) environment[name] = value;
  }
  Object.assign(environment, NETWORK_ISOLATION_ENV, {
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    // Keeps ~/.claude (settings, login, memory, plugins) and ~/.bashrc of the machine out.
    HOME: home,
    CLAUDE_CONFIG_DIR: configDir,
    TMPDIR: privateTmp,
    NO_COLOR: '1',
    ...options.env,
  });

  const run = await spawnBounded(claudeBinaryPath, args, { cwd, env: environment, timeoutMs: options.timeoutMs ?? 60_000, stdin: options.prompt });
  const result = parseResult(run.stdout);
  return {
    ...run,
    result,
    finalText: typeof result?.result === 'string' ? result.result : '',
    cwd,
    home,
    args,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
