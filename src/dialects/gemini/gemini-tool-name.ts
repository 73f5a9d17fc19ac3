import type { ToolKind } from '../../core/ir/index.ts';
import type { ToolIdentity, ToolNameMap } from '../../core/tool-names.ts';

/**
 * Gemini function names must match `^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$` (js-genai
 * FunctionDeclaration). The request's ToolNameMap already flattens namespaces and sanitises
 * to `[a-zA-Z0-9_-]{1,64}`, which fits except for the first character: a name starting with a
 * digit or `-` gets a `_` in front here. The prefixed names are remembered per ToolNameMap
 * (the encoder and the decoder of one exchange share it), so a call comes back exactly.
 */
const prefixedNames = new WeakMap<ToolNameMap, Map<string, string>>();

const validStart = /^[a-zA-Z_]/;

/** The name Gemini sees for an IR tool (declaration, replayed call, result or tool_choice). */
export function geminiToolName(toolNames: ToolNameMap, name: string, namespace: string | undefined, kind: ToolKind): string {
  const wire = toolNames.wireName(name, namespace, kind);
  if (validStart.test(wire)) return wire;
  const prefixed = `_${wire}`;
  let names = prefixedNames.get(toolNames);
  if (names === undefined) {
    names = new Map();
    prefixedNames.set(toolNames, names);
  }
  names.set(prefixed, wire);
  return prefixed;
}

/** The IR identity of a name Gemini called. */
export function decodeToolIdentity(toolNames: ToolNameMap, geminiName: string): ToolIdentity {
  const wire = prefixedNames.get(toolNames)?.get(geminiName);
  return toolNames.identity(wire ?? geminiName);
}
