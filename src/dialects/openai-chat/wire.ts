/**
 * Wire types of OpenAI Chat Completions (`POST /v1/chat/completions`) as OpenAI and the
 * OpenAI-compatible servers (vLLM, Ollama, Groq, Mistral, OpenRouter, DeepSeek, Azure) speak
 * it, only as far as the codec reads or writes them. Every object may carry more fields than
 * listed (`obfuscation`, `x_groq`, `stop_reason`, `prompt_filter_results`…): readers ignore
 * what they do not know.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface ChatTextPart {
  type: 'text';
  text: string;
}

export interface ChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: string };
}

export interface ChatFilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
}

export interface ChatRefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface ChatOtherPart {
  type: string;
  [field: string]: unknown;
}

export type ChatContentPart = ChatTextPart | ChatImagePart | ChatFilePart | ChatRefusalPart | ChatOtherPart;

export interface ChatFunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** OpenAI freeform tools (only OpenAI models emit these; compatible servers do not). */
export interface ChatCustomToolCall {
  id: string;
  type: 'custom';
  custom: { name: string; input: string };
}

export type ChatToolCall = ChatFunctionToolCall | ChatCustomToolCall;

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
  /** DeepSeek / vLLM thinking text; some servers want it back inside a tool loop. */
  reasoning_content?: string;
  [field: string]: unknown;
}

export interface ChatFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface ChatCustomTool {
  type: 'custom';
  custom: {
    name: string;
    description?: string;
    format?: { type: 'text' } | { type: 'grammar'; grammar: { definition: string; syntax: string } };
  };
}

export type ChatTool = ChatFunctionTool | ChatCustomTool;

export type ChatToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; function: { name: string } }
  | { type: 'custom'; custom: { name: string } }
  | { type: 'allowed_tools'; allowed_tools: { mode: 'auto' | 'required'; tools: Array<Record<string, unknown>> } };

export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  response_format?: ChatResponseFormat;
  user?: string;
  reasoning_effort?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [field: string]: unknown };
  [field: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown } | null;
}

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: ChatMessage & { role: 'assistant'; content: string | null; refusal: string | null };
    logprobs: null;
    finish_reason: ChatFinishReason;
  }>;
  usage?: ChatUsage;
}

/** One streamed tool-call fragment: `index` names the call, everything else is optional. */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function' | 'custom';
  function?: { name?: string; arguments?: string };
  custom?: { name?: string; input?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      refusal?: string | null;
      reasoning_content?: string;
      tool_calls?: ChatToolCallDelta[];
    };
    logprobs?: null;
    finish_reason: ChatFinishReason | null;
  }>;
  usage?: ChatUsage | null;
}

/** `{"error":{"message","type","param","code"}}`, the OpenAI error envelope. */
export interface ChatErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
