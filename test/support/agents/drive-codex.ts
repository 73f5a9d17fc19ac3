import { runCodex, type RunCodexOptions, type RunCodexResult } from '../../e2e/codex/run-codex.ts';
import { assertAgentOutcome, type AgentOutcome } from './agent-outcome.ts';

/**
 * One real Codex run that must succeed: asserts exit 0 (showing Codex's stderr otherwise), the
 * expected files and final message, then hands the run to `check` for the test's own
 * assertions, and always removes the run's temp root.
 */
export async function driveCodex(options: RunCodexOptions, expected: AgentOutcome = {}, check?: (run: RunCodexResult) => unknown): Promise<void> {
  const run = await runCodex(options);
  try {
    await assertAgentOutcome(run, run.lastMessage.trim(), `codex failed:\n${run.stderr.slice(-3000)}`, expected);
    await check?.(run);
  } finally {
    await run.dispose();
  }
}
