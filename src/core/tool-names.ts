import type { ToolKind } from './ir/content.ts';
import type { ToolDefinition } from './ir/request.ts';
import { createHash } from 'node:crypto';

/** Where a wire tool name came from: the IR name, its namespace and how it is called. */
export interface ToolIdentity {
  name: string;
  namespace?: string;
  kind: ToolKind;
}

/**
 * A per-request bidirectional map between IR tool identities and the names a dialect can
 * carry. Dialects without namespaces or freeform tools flatten `ns` + `name` into
 * `ns__name` and sanitise to `[a-zA-Z0-9_-]{1,64}` (the subset every provider accepts),
 * adding a short hash when that changes or truncates the name, so the way back is exact.
 */
export class ToolNameMap {
  private readonly toWire = new Map<string, string>();
  private readonly fromWire = new Map<string, ToolIdentity>();

  static fromTools(tools: readonly ToolDefinition[], maxLength = 64): ToolNameMap {
    const map = new ToolNameMap();
    for (const tool of tools) {
      if (tool.kind === 'hosted') continue;
      map.add({ name: tool.name, ...(tool.namespace ? { namespace: tool.namespace } : {}), kind: tool.kind }, maxLength);
    }
    return map;
  }

  add(identity: ToolIdentity, maxLength = 64): string {
    const key = ToolNameMap.key(identity.name, identity.namespace);
    const existing = this.toWire.get(key);
    if (existing) return existing;
    const wire = this.unique(flattenToolName(identity.name, identity.namespace, maxLength));
    this.toWire.set(key, wire);
    this.fromWire.set(wire, identity);
    return wire;
  }

  /** The wire name for an IR tool (adds it when a replayed call names a tool not declared). */
  wireName(name: string, namespace?: string, kind: ToolKind = 'function'): string {
    return this.toWire.get(ToolNameMap.key(name, namespace)) ?? this.add({ name, ...(namespace ? { namespace } : {}), kind });
  }

  /** The IR identity of a wire name; unknown names come back as plain functions. */
  identity(wireName: string): ToolIdentity {
    return this.fromWire.get(wireName) ?? { name: wireName, kind: 'function' };
  }

  private unique(candidate: string): string {
    if (!this.fromWire.has(candidate)) return candidate;
    for (let i = 2; ; i++) {
      const suffix = `_${i}`;
      const next = candidate.slice(0, 64 - suffix.length) + suffix;
      if (!this.fromWire.has(next)) return next;
    }
  }

  private static key(name: string, namespace: string | undefined): string {
    return namespace ? `${namespace}\u0000${name}` : name;
  }
}

export function flattenToolName(name: string, namespace: string | undefined, maxLength = 64): string {
  const joined = namespace ? `${namespace}__${name}` : name;
  const cleaned = joined.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (cleaned === joined && cleaned.length <= maxLength && cleaned.length > 0) return cleaned;
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, maxLength - 9)}_${hash}`;
}
