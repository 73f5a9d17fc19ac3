import type { ModelRequest } from '../../core/ir/index.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { encodeToolChoice, encodeTools } from './encode-tools.ts';

/**
 * The request fields every OpenAI `Response` object echoes, whatever served it: OpenAI always
 * sends `instructions`, `metadata`, `temperature`, `top_p`, `tool_choice`, `tools` and
 * `parallel_tool_calls`, and its schema requires them, so typed clients (Go, Java, .NET SDKs)
 * reject a Response without them. Unset values are OpenAI's defaults (`temperature`/`top_p` 1,
 * `tool_choice` "auto", parallel calls on), which are also what Anthropic and Gemini apply.
 */
export function encodeRequestEcho(request: ModelRequest): Record<string, unknown> {
  const instructions = request.system.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  const tools = encodeTools(request.tools, { toolNames: ToolNameMap.fromTools(request.tools), warnings: new Warnings(), sameDialect: true }).map(echoTool);
  return {
    instructions: instructions.length > 0 ? instructions.join('\n\n') : null,
    metadata: stringValues(request.metadata),
    temperature: request.temperature ?? 1,
    top_p: request.topP ?? 1,
    tool_choice: request.toolChoice ? encodeToolChoice(request.toolChoice, request.tools, ToolNameMap.fromTools(request.tools)) : 'auto',
    tools,
    parallel_tool_calls: request.parallelToolCalls ?? true,
  };
}

/** A function tool as OpenAI echoes it: `strict` and `parameters` always present (null when not sent). */
function echoTool(tool: Record<string, unknown>): Record<string, unknown> {
  if (tool.type === 'function') return { ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? null };
  if (tool.type === 'namespace') {
    const members = Array.isArray(tool.tools) ? tool.tools : [];
    return { ...tool, description: tool.description ?? '', tools: members };
  }
  return tool;
}

/** Responses `metadata` is a map of strings; anything else a client sent is not echoed. */
function stringValues(metadata: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) if (typeof value === 'string') out[key] = value;
  return out;
}
