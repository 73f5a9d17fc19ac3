import type { ParameterRule } from '../../core/check-parameters.ts';

/** The ranges Anthropic's Messages API documents (no parameter there accepts null). */
export const anthropicParameterRules: readonly ParameterRule[] = [
  { name: 'stream', type: 'boolean' },
  { name: 'max_tokens', type: 'integer', min: 1 },
  { name: 'temperature', type: 'number', min: 0, max: 1 },
  { name: 'top_p', type: 'number', min: 0, max: 1 },
  { name: 'top_k', type: 'integer', min: 0 },
];
