import type { ParameterRule } from '../../core/check-parameters.ts';

/** The ranges OpenAI's published schema gives `CreateChatCompletionRequest` (most may be null). */
export const chatParameterRules: readonly ParameterRule[] = [
  { name: 'stream', type: 'boolean', nullable: true },
  { name: 'store', type: 'boolean', nullable: true },
  { name: 'logprobs', type: 'boolean', nullable: true },
  { name: 'parallel_tool_calls', type: 'boolean', nullable: true },
  { name: 'n', type: 'integer', min: 1, max: 128, nullable: true },
  { name: 'temperature', type: 'number', min: 0, max: 2, nullable: true },
  { name: 'top_p', type: 'number', min: 0, max: 1, nullable: true },
  { name: 'presence_penalty', type: 'number', min: -2, max: 2, nullable: true },
  { name: 'frequency_penalty', type: 'number', min: -2, max: 2, nullable: true },
  { name: 'top_logprobs', type: 'integer', min: 0, max: 20, nullable: true },
  { name: 'max_tokens', type: 'integer', min: 1, nullable: true },
  { name: 'max_completion_tokens', type: 'integer', min: 1, nullable: true },
  { name: 'seed', type: 'integer', nullable: true },
];
