import type { ParameterRule } from '../../core/check-parameters.ts';

/** The ranges OpenAI's published schema gives `CreateResponse` (most parameters may be null). */
export const responsesParameterRules: readonly ParameterRule[] = [
  { name: 'stream', type: 'boolean', nullable: true },
  { name: 'store', type: 'boolean', nullable: true },
  { name: 'background', type: 'boolean', nullable: true },
  { name: 'parallel_tool_calls', type: 'boolean', nullable: true },
  { name: 'temperature', type: 'number', min: 0, max: 2, nullable: true },
  { name: 'top_p', type: 'number', min: 0, max: 1, nullable: true },
  { name: 'top_logprobs', type: 'integer', min: 0, max: 20, nullable: true },
  { name: 'max_output_tokens', type: 'integer', min: 16, nullable: true },
  { name: 'max_tool_calls', type: 'integer', min: 1, nullable: true },
];
