import { invalidRequest } from '../../core/errors.ts';
import type { ToolDefinition } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';

/**
 * Anthropic tools → IR tools. A tool with no `type` (or `type:"custom"`, Anthropic's word for
 * user-defined tools) is a function; every other type (`web_search_20250305`,
 * `bash_20250124`, `tool_search_tool_regex_…`) is Anthropic-defined and kept verbatim.
 */
export function decodeTools(tools: unknown, warnings: Warnings): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  return tools.map((tool, index): ToolDefinition => {
    const path = `tools[${index}]`;
    if (!isRecord(tool)) throw invalidRequest(`${path} must be an object.`, path);
    if (tool.type !== undefined && tool.type !== 'custom') {
      if (typeof tool.type !== 'string') throw invalidRequest(`${path}.type must be a string.`, `${path}.type`);
      return { kind: 'hosted', dialect: 'anthropic-messages', type: tool.type, value: tool };
    }
    if (typeof tool.name !== 'string' || tool.name === '') throw invalidRequest(`${path}.name is required.`, `${path}.name`);
    if (tool.cache_control !== undefined) {
      warnings.add('cache_control_dropped', 'cache_control on a tool definition has no place in the IR; dropped.');
    }
    return {
      kind: 'function',
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      ...(isRecord(tool.input_schema) ? { parameters: tool.input_schema } : {}),
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
      ...(tool.defer_loading === true ? { deferLoading: true } : {}),
    };
  });
}
