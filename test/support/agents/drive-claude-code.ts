import { runClaudeCode, type RunClaudeCodeOptions, type RunClaudeCodeResult } from '../../e2e/claude-code/run-claude-code.ts';
import { assertAgentOutcome, type AgentOutcome } from './agent-outcome.ts';

/**
 * One real Claude Code run that must succeed: asserts exit 0 (showing its stdout and stderr
 * otherwise), the expected files and final text, then hands the run to `check` for the test's
 * own assertions, and always removes the run's temp root.
 */
export async function driveClaudeCode(
  options: RunClaudeCodeOptions,
  expected: AgentOutcome = {},
  check?: (run: RunClaudeCodeResult) => unknown,
): Promise<void> {
  const run = await runClaudeCode(options);
  try {
    await assertAgentOutcome(run, run.finalText, `claude failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`, expected);
    await check?.(run);
  } finally {
    await run.dispose();
  }
}
