import type { RoutingHints } from '../../core/surface.ts';

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `name` of each element of a tool list (and of any nested list `nested` names). */
export function collectToolNames(tools: unknown, read: (tool: Record<string, unknown>) => unknown, nested?: string): string[] {
  const names: string[] = [];
  const visit = (tool: unknown) => {
    if (!isObject(tool)) return;
    const name = read(tool);
    if (typeof name === 'string') names.push(name);
    if (nested && Array.isArray(tool[nested])) tool[nested].forEach(visit);
  };
  if (Array.isArray(tools)) tools.forEach(visit);
  return names;
}

/** Hints for the OpenAI dialects: `prompt_cache_key` and `metadata` live at the top level. */
export function openaiHints(body: Record<string, unknown>, toolNames: string[]): RoutingHints {
  const cacheKey = body['prompt_cache_key'];
  return {
    toolNames,
    cacheKey: typeof cacheKey === 'string' && cacheKey ? cacheKey : undefined,
    metadata: isObject(body['metadata']) ? body['metadata'] : {},
  };
}
