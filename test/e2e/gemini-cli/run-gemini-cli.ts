/**
 * Drives the real Gemini CLI (`@google/gemini-cli` 0.61.0, a Node bundle) through one headless
 * `gemini -p` run against a local Gemini API endpoint (the gateway or a fake), and hands back
 * what it printed, its parsed JSON output and where it worked.
 *
 * Every run is private: a fresh temp root holds HOME (with `~/.gemini/settings.json`), TMPDIR
 * and (by default) the working directory; system settings paths point into it too. Only the
 * given base URL is contacted (checked with strace). Findings: docs/gemini-cli-notes.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnBounded } from '../../support/spawn-bounded.ts';

export const geminiEntryPath = path.join(path.dirname(createRequire(import.meta.url).resolve('@google/gemini-cli/package.json')), 'bundle', 'gemini.js');

/**
 * `~/.gemini/settings.json` of every run. API-key auth is what a Switchyard user selects (a
 * headless run without it fails with "Please set an Auth method"). Observed with strace on
 * 0.61.0: usage statistics (Clearcut, play.googleapis.com) are the only traffic besides the
 * model endpoint; the other switches are belt and braces for paths a headless run did not take.
 */
export const HEADLESS_SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  ide: { enabled: false },
} as const;

/** Inherited variables that would redirect, re-authenticate or re-configure a run. */
const droppedEnvPattern = /^(GEMINI_|GOOGLE_|CLOUDSDK_|OTEL_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)/i;
// NODE_TEST_CONTEXT: set by `node --test` in children; a `node` run by the shell tool would report to it.
const droppedEnv = ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'SANDBOX', 'SEATBELT_PROFILE'];

export interface RunGeminiCliOptions {
  /** Gateway origin WITHOUT /v1beta (the SDK appends /v1beta/models/…), e.g. http://127.0.0.1:4141. */
  baseUrl: string;
  /** Sent as `x-goog-api-key` (GEMINI_API_KEY). */
  apiKey: string;
  prompt: string;
  /**
   * `--model`. Default: the CLI's "auto", which first asks a flash-lite classifier (a
   * `:generateContent` call with a JSON rubric) which model to use. Note the CLI rewrites
   * `gemini-3-pro-preview`/`pro`/`auto` to its own current names (e.g. gemini-3.1-pro-preview).
   */
  model?: string;
  /** Working directory of the agent; default: a fresh empty temp dir (removed by dispose). */
  cwd?: string;
  /** Merged over HEADLESS_SETTINGS (top-level keys replace). */
  settings?: Record<string, unknown>;
  /** `--approval-mode`; default 'yolo' (see the argv comment). */
  approvalMode?: 'yolo' | 'auto_edit' | 'default' | 'plan';
  /** More flags, placed before `--prompt`. */
  extraArgs?: string[];
  /** Extra environment for the CLI (and the commands it runs); wins over the harness's. */
  env?: Record<string, string>;
  /** Hard limit for the whole run; the process group is killed after it. Default 60000. */
  timeoutMs?: number;
}

/** What `--output-format json` prints (fields seen on 0.61.0). */
export interface GeminiCliOutput {
  session_id?: string;
  response?: string;
  stats?: Record<string, unknown>;
  error?: { type?: string; message?: string; code?: number | string };
  [field: string]: unknown;
}

export interface RunGeminiCliResult {
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The parsed JSON output (stdout, or the `{error}` one on stderr); undefined when there is none. */
  result: GeminiCliOutput | undefined;
  /** The agent's final text (`result.response`), '' when there is none. */
  finalText: string;
  cwd: string;
  /** Private HOME; `.gemini/tmp/<project>/chats/*.jsonl` is the run's transcript. */
  home: string;
  /** The exact argv after `node`, to reproduce a run by hand with the same env. */
  args: string[];
  /** Removes the temp root (HOME, TMPDIR, default cwd). A caller's cwd is kept. */
  dispose(): Promise<void>;
}

/** The JSON document is the last `{` at the start of a line through the end (it is pretty-printed). */
function parseOutput(stdout: string): GeminiCliOutput | undefined {
  const start = stdout.lastIndexOf('\n{') + 1;
  const text = stdout.slice(stdout.startsWith('{') && start === 0 ? 0 : start);
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as GeminiCliOutput) : undefined;
  } catch {
    return undefined;
  }
}

export async function runGeminiCli(options: RunGeminiCliOptions): Promise<RunGeminiCliResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'switchyard-gemini-'));
  const home = path.join(root, 'home');
  const privateTmp = path.join(root, 'tmp');
  const cwd = options.cwd ?? path.join(root, 'work');
  await Promise.all([mkdir(path.join(home, '.gemini'), { recursive: true }), mkdir(privateTmp), mkdir(cwd, { recursive: true })]);
  await writeFile(path.join(home, '.gemini', 'settings.json'), JSON.stringify({ ...HEADLESS_SETTINGS, ...options.settings }, null, 2), 'utf8');

  const args = [
    geminiEntryPath,
    '--output-format',
    'json',
    // yolo = every tool call approved without a prompt. In the default mode a headless run does
    // not even declare run_shell_command to the model.
    '--approval-mode',
    options.approvalMode ?? 'yolo',
    ...(options.model === undefined ? [] : ['--model', options.model]),
    ...(options.extraArgs ?? []),
    // `--prompt=…` keeps a prompt starting with "-" from being read as a flag.
    `--prompt=${options.prompt}`,
  ];

  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!droppedEnvPattern.test(name) && !droppedEnv.includes(name)) environment[name] = value;
  }
  Object.assign(environment, {
    GOOGLE_GEMINI_BASE_URL: options.baseUrl,
    GEMINI_API_KEY: options.apiKey,
    // Headless runs refuse an untrusted folder; the temp cwd is ours.
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    // The CLI re-spawns itself with a bigger heap (and ignores SIGTERM in the parent): one
    // process is faster and simpler to bound.
    GEMINI_CLI_NO_RELAUNCH: 'true',
    // Machine-wide settings (/etc/gemini-cli/…) must not apply: point them at nothing.
    GEMINI_CLI_SYSTEM_SETTINGS_PATH: path.join(root, 'system-settings.json'),
    GEMINI_CLI_SYSTEM_DEFAULTS_PATH: path.join(root, 'system-defaults.json'),
    HOME: home,
    TMPDIR: privateTmp,
    NO_COLOR: '1',
    ...options.env,
  });

  const run = await spawnBounded(process.execPath, args, { cwd, env: environment, timeoutMs: options.timeoutMs ?? 60_000 });
  // A failed run prints its `{error}` document on stderr, after other noise.
  const result = parseOutput(run.stdout) ?? parseOutput(run.stderr);
  return {
    ...run,
    result,
    finalText: typeof result?.response === 'string' ? result.response : '',
    cwd,
    home,
    args,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
