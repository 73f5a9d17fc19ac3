import { createHash } from 'node:crypto';
import type { TargetConfig } from '../../config/runtime-config.ts';

/** A target's experiment variant: its `variant`, else provider/model. */
export function variantOf(target: TargetConfig): string {
  return target.variant ?? `${target.provider}/${target.model}`;
}

/**
 * `strategy: experiment`: picks a variant by weight (a variant weighs the sum of its targets'
 * weights) from a point in [0, 1) that is a hash of the alias and the session, so one agent
 * session always lands on the same variant — on every instance, across restarts, with no
 * state. Without a session the point is random. The chosen variant's targets come first, in
 * config order; the other variants follow as its fallback chain.
 */
export function experimentOrder(alias: string, targets: readonly TargetConfig[], sessionKey: string | undefined, random: () => number): TargetConfig[] {
  const variants = new Map<string, { weight: number; targets: TargetConfig[] }>();
  for (const target of targets) {
    const name = variantOf(target);
    const entry = variants.get(name) ?? { weight: 0, targets: [] };
    entry.weight += target.weight;
    entry.targets.push(target);
    variants.set(name, entry);
  }
  const total = [...variants.values()].reduce((sum, entry) => sum + entry.weight, 0);
  let point = (sessionKey === undefined ? random() : sessionPoint(alias, sessionKey)) * total;
  let chosen: string | undefined;
  for (const [name, entry] of variants) {
    chosen = name;
    if ((point -= entry.weight) < 0) break;
  }
  const first = variants.get(chosen!)!.targets;
  return [...first, ...targets.filter((target) => !first.includes(target))];
}

/** A uniform point in [0, 1) from the alias and session (the first 48 bits of a SHA-256). */
export function sessionPoint(alias: string, sessionKey: string): number {
  const digest = createHash('sha256').update(alias).update('\u0000').update(sessionKey).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
