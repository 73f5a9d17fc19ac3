import { runGeminiCli, type RunGeminiCliOptions, type RunGeminiCliResult } from '../../e2e/gemini-cli/run-gemini-cli.ts';
import { assertAgentOutcome, type AgentOutcome } from './agent-outcome.ts';

/**
 * One real Gemini CLI run that must succeed: asserts exit 0 (showing its stdout and stderr
 * otherwise), the expected files and final text, then hands the run to `check` for the test's
 * own assertions, and always removes the run's temp root.
 */
export async function driveGeminiCli(options: RunGeminiCliOptions, expected: AgentOutcome = {}, check?: (run: RunGeminiCliResult) => unknown): Promise<void> {
  const run = await runGeminiCli(options);
  try {
    await assertAgentOutcome(run, run.finalText, `gemini failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-3000)}`, expected);
    await check?.(run);
  } finally {
    await run.dispose();
  }
}
