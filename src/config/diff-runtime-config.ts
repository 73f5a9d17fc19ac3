import { hashKey } from '../core/hash-key.ts';
import type { RuntimeConfig } from './runtime-config.ts';
import { Secret } from './secret.ts';

export interface NamedChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** What a reload changes, for its one log line and the admin answer. */
export interface ConfigChanges {
  aliases: NamedChanges;
  keys: NamedChanges;
  providers: NamedChanges;
  /** Other top-level settings that differ (`budgets`, `routing`, `server`, …). */
  sections: string[];
  /** Settings that differ but only take effect at the next start. */
  restartNeeded: string[];
}

/** Settings bound when the process starts (the socket, the storage, the trace exporter, the metrics collectors). */
const restartOnly: Array<[string, (config: RuntimeConfig) => unknown]> = [
  ['server.host', (config) => config.server.host],
  ['server.port', (config) => config.server.port],
  ['storage.url', (config) => config.storage.url],
  ['observability.otlp', (config) => config.observability.otlp],
  ['observability.metrics.process', (config) => config.observability.processMetrics],
  ['cache.store', (config) => config.cache?.store],
];

/** Compares two runtime configs by value; secrets compare by their hash and never print. */
export function diffRuntimeConfig(before: RuntimeConfig, after: RuntimeConfig): ConfigChanges {
  const sections = (['server', 'budgets', 'teamRateLimits', 'routing', 'observability', 'storage', 'coordination', 'logging', 'responses', 'cache'] as const)
    .filter((section) => fingerprint(before[section]) !== fingerprint(after[section]))
    .map((section) => (section === 'teamRateLimits' ? 'rate_limits' : section));
  return {
    aliases: diffNamed(before.models, after.models),
    keys: diffNamed(Object.fromEntries(before.keys.map((key) => [key.name, key])), Object.fromEntries(after.keys.map((key) => [key.name, key]))),
    providers: diffNamed(before.providers, after.providers),
    sections,
    restartNeeded: restartOnly.filter(([, read]) => fingerprint(read(before)) !== fingerprint(read(after))).map(([name]) => name),
  };
}

/** `aliases +fast ~smart; keys -bob; providers ~oai; also: routing (restart needed for server.port)` */
export function describeChanges(changes: ConfigChanges): string {
  const parts: string[] = [];
  for (const [label, named] of [
    ['aliases', changes.aliases],
    ['keys', changes.keys],
    ['providers', changes.providers],
  ] as const) {
    const items = [...named.added.map((name) => `+${name}`), ...named.removed.map((name) => `-${name}`), ...named.changed.map((name) => `~${name}`)];
    if (items.length > 0) parts.push(`${label} ${items.join(' ')}`);
  }
  if (changes.sections.length > 0) parts.push(`also changed: ${changes.sections.join(', ')}`);
  let text = parts.join('; ') || 'no changes';
  if (changes.restartNeeded.length > 0) text += ` (takes a restart, still the old value: ${changes.restartNeeded.join(', ')})`;
  return text;
}

function diffNamed(before: Record<string, unknown>, after: Record<string, unknown>): NamedChanges {
  const added = Object.keys(after).filter((name) => !(name in before));
  const removed = Object.keys(before).filter((name) => !(name in after));
  const changed = Object.keys(after).filter((name) => name in before && fingerprint(before[name]) !== fingerprint(after[name]));
  return { added, removed, changed };
}

function fingerprint(value: unknown): string {
  return (
    JSON.stringify(value, function (this: Record<string, unknown>, key, json) {
      const original = this[key];
      if (original instanceof Secret) return `secret:${hashKey(original.reveal())}`;
      return json;
    }) ?? 'undefined'
  );
}
