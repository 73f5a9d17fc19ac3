import type { ConfiguredProvider as Provider, TargetConfig } from '../../../src/config/runtime-config.ts';
import type { Router } from '../../../src/routing/router.ts';

/** A router that admits every target, tries each once (no retry, no wait) and records nothing. */
export const singleTryRouter = {
  retry: { max_attempts: 1, base_delay_ms: 0, max_delay_ms: 0, max_total_ms: 10_000 },
  admit: () => true,
  recordSuccess: () => undefined,
  recordFailure: () => undefined,
  random: () => 0.5,
} as unknown as Router;

/** One provider a target of the plan, named after it (all the attempt loop reads of a provider). */
export function providersFor(plan: TargetConfig[]): Map<string, Provider> {
  return new Map(plan.map((target) => [target.provider, { config: { name: target.provider } } as unknown as Provider]));
}
