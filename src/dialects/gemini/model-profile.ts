import type { GeminiThinkingLevel } from './wire.ts';

/**
 * What the encoder needs to know about a Gemini model, read from its name (AI Studio names:
 * `gemini-2.5-pro`, `gemini-3-pro-preview`, `gemini-3.1-flash-lite`, optionally `models/…`).
 * Sources: Google's Gemini thinking documentation:
 * Gemini 3 takes `thinkingLevel` (Pro: low|high, Flash: minimal|low|medium|high) and cannot
 * turn thinking off; Gemini 2.5 takes `thinkingBudget` (0 turns it off on Flash and
 * Flash-Lite only; Pro needs at least 128). Provider quirks override the guesses:
 * `thinking: "level" | "budget" | "none"`, `thinking_levels: [...]`.
 */
export interface GeminiModelProfile {
  thinking: 'level' | 'budget' | 'none';
  /** Levels accepted with `thinking: "level"`, lowest first. */
  levels: readonly GeminiThinkingLevel[];
  /** Budget range with `thinking: "budget"`; `minimumBudget` 0 means thinking can be turned off. */
  minimumBudget: number;
  maximumBudget: number;
  /** Gemini 3 validates thought signatures on function-call history: the first call of each step of the running tool loop must carry one. */
  validatesSignatures: boolean;
}

const allLevels: readonly GeminiThinkingLevel[] = ['minimal', 'low', 'medium', 'high'];

function version(model: string): { major: number; minor: number } | undefined {
  const match = /gemini-(\d+)(?:\.(\d+))?/i.exec(model);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

export function geminiModelProfile(model: string, quirks: Record<string, unknown> = {}): GeminiModelProfile {
  const name = model.replace(/^models\//, '').toLowerCase();
  const found = version(name);
  const flash = name.includes('flash');
  const lite = name.includes('lite');
  let profile: GeminiModelProfile;
  if (found === undefined || found.major >= 3) {
    // Unknown names are assumed current (an alias of a new model is likelier than an old one).
    profile = { thinking: 'level', levels: flash ? allLevels : ['low', 'high'], minimumBudget: 128, maximumBudget: 32768, validatesSignatures: true };
  } else if (found.major === 2 && found.minor >= 5) {
    profile = flash
      ? { thinking: 'budget', levels: [], minimumBudget: 0, maximumBudget: 24576, validatesSignatures: false }
      : { thinking: 'budget', levels: [], minimumBudget: 128, maximumBudget: 32768, validatesSignatures: false };
    if (lite) profile.minimumBudget = 0;
  } else {
    profile = { thinking: 'none', levels: [], minimumBudget: 0, maximumBudget: 0, validatesSignatures: false };
  }
  if (quirks.thinking === 'level' || quirks.thinking === 'budget' || quirks.thinking === 'none') profile.thinking = quirks.thinking;
  if (Array.isArray(quirks.thinking_levels)) {
    const levels = allLevels.filter((level) => (quirks.thinking_levels as unknown[]).includes(level));
    if (levels.length > 0) profile.levels = levels;
  }
  if (profile.thinking === 'level' && profile.levels.length === 0) profile.levels = ['low', 'high'];
  return profile;
}
