// What a Gemini model name implies for thinking: Gemini 3+ always thinks, is steered by
// thinkingLevel and enforces thought signatures; 2.5 uses thinkingBudget with per-family ranges
// (pro 128..32768 and never off, flash 0..24576, flash-lite 0 or 512..24576 and off by default).
// Unknown names are treated as the current generation (3). Messages are the live API's.
import { invalidArgument, type GeminiRejection } from './gemini-error.ts';
import { readField } from './gemini-payload-parser.ts';

export type ThinkingConfig = { includeThoughts?: boolean; thinkingBudget?: number; thinkingLevel?: string };

export function modelGeneration(model: string): number {
  const match = /^gemini-(\d+)/.exec(model);
  return match ? Number(match[1]) : 3;
}

type Family = 'pro' | 'flash-lite' | 'flash';

function modelFamily(model: string): Family {
  if (model.includes('flash-lite')) return 'flash-lite';
  return model.includes('-pro') ? 'pro' : 'flash';
}

export function readThinkingConfig(body: Record<string, any>): ThinkingConfig {
  const generationConfig = readField(body, 'generationConfig') ?? {};
  const raw = readField(generationConfig, 'thinkingConfig') ?? {};
  const budget = readField(raw, 'thinkingBudget');
  return {
    includeThoughts: readField(raw, 'includeThoughts'),
    thinkingBudget: budget === undefined ? undefined : Number(budget),
    thinkingLevel: readField(raw, 'thinkingLevel')?.toUpperCase(),
  };
}

export function validateThinkingConfig(model: string, config: ThinkingConfig): GeminiRejection | undefined {
  const { thinkingBudget: budget, thinkingLevel: level } = config;
  if (budget !== undefined && level !== undefined) {
    return invalidArgument('You can only set only one of thinking budget and thinking level.');
  }
  const family = modelFamily(model);
  if (level !== undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    if (modelGeneration(model) < 3) return invalidArgument('Thinking level is not supported for this model.');
    const proLevels = /^gemini-3-pro/.test(model) ? ['LOW', 'HIGH'] : ['LOW', 'MEDIUM', 'HIGH'];
    if (family === 'pro' && !proLevels.includes(level)) return invalidArgument(`Thinking level ${level} is not supported for this model.`);
  }
  if (budget === undefined || budget === -1) return undefined;
  if (family === 'pro' && budget === 0) return invalidArgument('Budget 0 is invalid. This model only works in thinking mode.');
  const [minimum, maximum] = family === 'pro' ? [128, 32768] : family === 'flash-lite' ? [512, 24576] : [0, 24576];
  if (budget !== 0 && (budget < minimum || budget > maximum)) return invalidArgument(`The thinking budget (${budget}) is invalid.`);
  return undefined;
}

/** Whether the model thinks at all for this request (and therefore signs what it emits). */
export function modelThinks(model: string, config: ThinkingConfig): boolean {
  if (modelGeneration(model) >= 3) return true;
  if (config.thinkingBudget === 0) return false;
  return !(modelFamily(model) === 'flash-lite' && config.thinkingBudget === undefined);
}
