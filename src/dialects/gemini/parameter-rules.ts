import type { ParameterRule } from '../../core/check-parameters.ts';

/** The ranges Gemini documents for `generationConfig` (the stream flag lives in the URL). */
export const geminiParameterRules: readonly ParameterRule[] = [
  { parent: 'generationConfig', name: 'temperature', type: 'number', min: 0, max: 2, nullable: true },
  { parent: 'generationConfig', name: 'topP', type: 'number', min: 0, max: 1, nullable: true },
  { parent: 'generationConfig', name: 'topK', type: 'integer', min: 1, nullable: true },
  { parent: 'generationConfig', name: 'candidateCount', type: 'integer', min: 1, max: 8, nullable: true },
  { parent: 'generationConfig', name: 'maxOutputTokens', type: 'integer', min: 1, nullable: true },
  { parent: 'generationConfig', name: 'presencePenalty', type: 'number', min: -2, max: 2, nullable: true },
  { parent: 'generationConfig', name: 'frequencyPenalty', type: 'number', min: -2, max: 2, nullable: true },
  { parent: 'generationConfig', name: 'seed', type: 'integer', nullable: true },
];
