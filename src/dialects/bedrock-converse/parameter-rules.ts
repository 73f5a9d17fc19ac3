import type { ParameterRule } from '../../core/check-parameters.ts';

/** The ranges the Converse API documents for `inferenceConfig` (the stream flag lives in the URL). */
export const converseParameterRules: readonly ParameterRule[] = [
  { parent: 'inferenceConfig', name: 'maxTokens', type: 'integer', min: 1 },
  { parent: 'inferenceConfig', name: 'temperature', type: 'number', min: 0, max: 1 },
  { parent: 'inferenceConfig', name: 'topP', type: 'number', min: 0, max: 1 },
];
