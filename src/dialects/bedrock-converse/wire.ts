/**
 * Amazon Bedrock Converse / ConverseStream wire shapes (bedrock-runtime service model:
 * `Converse`, `ConverseStream`; the JSON REST protocol, blobs as base64 strings).
 */

export type ConverseRole = 'user' | 'assistant';

export interface ConverseCachePoint {
  cachePoint: { type: 'default' };
}

export interface ConverseImageBlock {
  image: { format: string; source: { bytes: string } | { s3Location: { uri: string; bucketOwner?: string } } };
}

export interface ConverseDocumentBlock {
  document: { format: string; name: string; source: { bytes: string } | { text: string } };
}

export interface ConverseToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: unknown };
}

export type ConverseToolResultContent = { text: string } | { json: unknown } | ConverseImageBlock | ConverseDocumentBlock;

export interface ConverseToolResultBlock {
  toolResult: { toolUseId: string; content: ConverseToolResultContent[]; status?: 'success' | 'error' };
}

export interface ConverseReasoningBlock {
  reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string };
}

export type ConverseContentBlock =
  | { text: string }
  | ConverseImageBlock
  | ConverseDocumentBlock
  | ConverseToolUseBlock
  | ConverseToolResultBlock
  | ConverseReasoningBlock
  | ConverseCachePoint;

export interface ConverseMessage {
  role: ConverseRole;
  content: ConverseContentBlock[];
}

export type ConverseSystemBlock = { text: string } | ConverseCachePoint;

export interface ConverseToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type ConverseToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: ConverseSystemBlock[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: Array<ConverseToolSpec | ConverseCachePoint>; toolChoice?: ConverseToolChoice };
  additionalModelRequestFields?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export type ConverseStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'model_context_window_exceeded';

export interface ConverseResponse {
  output: { message: ConverseMessage };
  stopReason: ConverseStopReason | string;
  usage: ConverseUsage;
  metrics?: { latencyMs: number };
  additionalModelResponseFields?: unknown;
}

/** The exception members of the ConverseStream output union (sent inside the event stream). */
export const converseStreamExceptions = [
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
] as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
