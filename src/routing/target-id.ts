import type { TargetConfig } from '../config/runtime-config.ts';

/** The identity of a target across requests (breakers, latency, stickiness). */
export function targetId(target: Pick<TargetConfig, 'provider' | 'model'>): string {
  return `${target.provider}/${target.model}`;
}
