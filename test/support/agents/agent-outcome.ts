import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a finished agent run must have left: files in its working directory, its final text. */
export interface AgentOutcome {
  /** Name (relative to the run's cwd) → exact content. */
  files?: Record<string, string>;
  /** The agent's final message, exactly (Codex's last-message file is compared trimmed). */
  finalText?: string;
}

/** Asserts a clean exit (`failure` is the diagnostic shown otherwise), then the files and the final text. */
export async function assertAgentOutcome(
  run: { exitCode: number | null; cwd: string },
  finalText: string,
  failure: string,
  expected: AgentOutcome,
): Promise<void> {
  assert.equal(run.exitCode, 0, failure);
  for (const [name, content] of Object.entries(expected.files ?? {})) assert.equal(await readFile(join(run.cwd, name), 'utf8'), content, name);
  if (expected.finalText !== undefined) assert.equal(finalText, expected.finalText);
}
