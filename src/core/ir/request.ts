import type { ContentBlock, DialectId, Message, ToolKind } from './content.ts';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface FunctionToolDefinition {
  kind: 'function';
  name: string;
  namespace?: string;
  /** The namespace's own description, repeated on each member so flattening keeps it. */
  namespaceDescription?: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
  /** Responses/Anthropic `defer_loading` (tool search). */
  deferLoading?: boolean;
}

export interface CustomToolDefinition {
  kind: 'custom';
  name: string;
  namespace?: string;
  namespaceDescription?: string;
  description?: string;
  /** Responses `format`: `{type:"text"}` or `{type:"grammar", syntax, definition}`. */
  format?: { type: 'text' } | { type: 'grammar'; syntax: string; definition: string };
}

/**
 * A tool executed by the provider (`web_search`) or a client-side discovery tool
 * (`tool_search`) with no portable meaning: carried verbatim for its own dialect.
 */
export interface HostedToolDefinition {
  kind: 'hosted';
  dialect: DialectId;
  /** The wire `type` (e.g. `web_search`, `tool_search`, `web_search_20250305`). */
  type: string;
  value: Record<string, unknown>;
}

export type ToolDefinition = FunctionToolDefinition | CustomToolDefinition | HostedToolDefinition;

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string; kind: ToolKind; namespace?: string }
  /** Responses `allowed_tools`: restrict to a subset. */
  | { type: 'allowed'; mode: 'auto' | 'required'; names: string[] };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown>; strict?: boolean };

export interface ModelRequest {
  /** The model name as the target should receive it (the router rewrites it). */
  model: string;
  /** Hoisted system instructions (Responses `instructions`, Anthropic `system`, Gemini `systemInstruction`). */
  system: ContentBlock[];
  /** The conversation in order. System/developer messages may also appear inline. */
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: {
    effort?: ReasoningEffort;
    /** Responses `summary` (auto|concise|detailed). */
    summary?: string;
    /** Explicit budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
    budgetTokens?: number;
    /** Explicitly off (Anthropic `thinking.type:"disabled"`). */
    disabled?: boolean;
  };
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** Caller metadata (Responses/Chat `metadata`, Anthropic `metadata`). */
  metadata?: Record<string, unknown>;
  user?: string;
  promptCacheKey?: string;
  /**
   * Fields of the inbound dialect with no IR meaning (`store`, `include`, `client_metadata`,
   * `text.verbosity`, Anthropic betas…): the same dialect's encoder puts them back; other
   * encoders ignore them (and the decoder records a warning when that loses meaning).
   */
  extensions: Partial<Record<DialectId, Record<string, unknown>>>;
}
