// Which Claude models take `role: "system"` messages inside `messages` (mid-conversation system
// messages): Claude Opus 4.8 and later; older models answer 400 invalid_request_error
// "role 'system' is not supported on this model" (shared/spec/clients.md). Standalone: the
// emulator does not import the gateway's own model table.

/** `claude-opus-4-8`, `claude-sonnet-5-5-20270101`, `claude-3-7-sonnet-latest` → 4.8, 5.5, 3.7; other names → undefined. */
function claudeLevel(model: string): number | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  const part = (text: string | undefined) => (text === undefined || text.length > 2 ? 0 : Number(text));
  const modern = /claude-(?:opus|sonnet|haiku)-(\d+)(?:[-.](\d+))?/.exec(name);
  if (modern) return Number(modern[1]) + part(modern[2]) / 10;
  const legacy = /claude-(\d+)(?:[-.](\d+))?-(?:opus|sonnet|haiku)/.exec(name);
  if (legacy) return Number(legacy[1]) + part(legacy[2]) / 10;
  return undefined;
}

export function takesSystemMessages(model: string): boolean {
  const level = claudeLevel(model);
  return level !== undefined && level >= 4.8;
}

export const systemRoleUnsupported = "role 'system' is not supported on this model";
