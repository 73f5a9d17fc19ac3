import type { ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, ToolDefinition } from '../../../src/core/ir/index.ts';
import { ToolNameMap } from '../../../src/core/tool-names.ts';
import { Warnings } from '../../../src/core/warnings.ts';

/** An empty streaming request for `model`, with overrides. */
export function emptyRequestFor(model: string, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model, system: [], messages: [], tools: [], stream: true, extensions: {}, ...overrides };
}

/** An exchange context aimed at `base` (a provider's model and family), with its own tool-name map and warnings. */
export function exchangeContextFor(
  base: TargetProfile,
  request: ModelRequest,
  target: Partial<TargetProfile> = {},
  tools: ToolDefinition[] = request.tools,
): ExchangeContext {
  return { request, target: { ...base, ...target }, toolNames: ToolNameMap.fromTools(tools), warnings: new Warnings() };
}
