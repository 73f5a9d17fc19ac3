import type { ToolKind } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';

/** What OpenAI accepts as a tool name; namespaces stay native in Responses, never flattened. */
const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The name to send upstream: the IR name when OpenAI accepts it as is (always the case for a
 * request that came from a Responses client), otherwise a sanitised one from the shared map.
 */
export function encodeWireToolName(name: string, kind: ToolKind, toolNames: ToolNameMap): string {
  return VALID_NAME.test(name) ? name : toolNames.wireName(name, undefined, kind);
}

/** The IR name and namespace of a tool call the upstream made. */
export function decodeWireToolName(wireName: string, wireNamespace: string | undefined, toolNames: ToolNameMap): { name: string; namespace?: string } {
  if (wireNamespace !== undefined) {
    // Namespaced calls carry their identity on the wire; only a renamed member needs the map.
    const identity = toolNames.identity(wireName);
    return { name: identity.namespace === undefined ? identity.name : wireName, namespace: wireNamespace };
  }
  const identity = toolNames.identity(wireName);
  return identity.namespace === undefined ? { name: identity.name } : { name: identity.name, namespace: identity.namespace };
}
