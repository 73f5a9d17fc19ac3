/**
 * Wire types of the OpenAI Responses API (`POST /v1/responses`), only as far as the codec reads
 * or writes them. Every object may carry more fields than listed: the decoder keeps unknown
 * fields verbatim (item leftovers in `Message.extra`, top-level ones in
 * `extensions['openai-responses']`) so a same-dialect round trip loses nothing.
 */

export type ResponsesRole = 'system' | 'developer' | 'user' | 'assistant';

export interface ResponsesInputTextPart {
  type: 'input_text';
  text: string;
}

export interface ResponsesOutputTextPart {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
}

export interface ResponsesRefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface ResponsesInputImagePart {
  type: 'input_image';
  image_url?: string;
  file_id?: string;
  detail?: string;
}

export interface ResponsesInputFilePart {
  type: 'input_file';
  file_data?: string;
  file_id?: string;
  file_url?: string;
  filename?: string;
}

export type ResponsesContentPart = ResponsesInputTextPart | ResponsesOutputTextPart | ResponsesRefusalPart | ResponsesInputImagePart | ResponsesInputFilePart;

/** A message item; `type` is absent in the short form `{role, content}`. */
export interface ResponsesMessageItem {
  type?: 'message';
  id?: string;
  role: ResponsesRole;
  content: string | ResponsesContentPart[];
  status?: string;
  phase?: string;
}

export interface ResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
  status?: string;
}

export interface ResponsesCustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  input: string;
  status?: string;
}

export interface ResponsesToolOutputItem {
  type: 'function_call_output' | 'custom_tool_call_output';
  id?: string;
  call_id: string;
  output: string | ResponsesContentPart[];
  namespace?: string;
  status?: string;
}

export interface ResponsesSummaryText {
  type: 'summary_text';
  text: string;
}

export interface ResponsesReasoningText {
  type: 'reasoning_text';
  text: string;
}

export interface ResponsesReasoningItem {
  type: 'reasoning';
  id?: string;
  summary: ResponsesSummaryText[];
  content?: ResponsesReasoningText[];
  encrypted_content?: string | null;
  status?: string;
}

/** Any item the IR does not model (web_search_call, tool_search_output, additional_tools…). */
export interface ResponsesOtherItem {
  type: string;
  [field: string]: unknown;
}

export type ResponsesItem =
  | ResponsesMessageItem
  | ResponsesFunctionCallItem
  | ResponsesCustomToolCallItem
  | ResponsesToolOutputItem
  | ResponsesReasoningItem
  | ResponsesOtherItem;

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
  defer_loading?: boolean;
}

export interface ResponsesCustomTool {
  type: 'custom';
  name: string;
  description?: string;
  format?: { type: 'text' } | { type: 'grammar'; syntax: string; definition: string };
}

export interface ResponsesNamespaceTool {
  type: 'namespace';
  name: string;
  description?: string;
  tools: Array<ResponsesFunctionTool | ResponsesCustomTool>;
}

export type ResponsesTool = ResponsesFunctionTool | ResponsesCustomTool | ResponsesNamespaceTool | ResponsesOtherItem;

export type ResponsesToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function' | 'custom'; name: string }
  | { type: 'allowed_tools'; mode: 'auto' | 'required'; tools: Array<{ type: string; name?: string }> }
  | ResponsesOtherItem;

export interface ResponsesTextFormat {
  type: 'text' | 'json_object' | 'json_schema';
  name?: string;
  schema?: Record<string, unknown>;
  strict?: boolean;
}

export interface ResponsesRequest {
  model: string;
  input: string | ResponsesItem[];
  instructions?: string | null;
  tools?: ResponsesTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: string; summary?: string; [field: string]: unknown } | null;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  text?: { format?: ResponsesTextFormat; verbosity?: string; [field: string]: unknown };
  metadata?: Record<string, unknown>;
  user?: string;
  safety_identifier?: string;
  prompt_cache_key?: string;
  stream?: boolean;
  [field: string]: unknown;
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens: number;
}

export type ResponsesStatus = 'completed' | 'incomplete' | 'failed' | 'in_progress' | 'queued' | 'cancelled';

export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  model: string;
  output: ResponsesItem[];
  usage: ResponsesUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  [field: string]: unknown;
}

/** `{"error":{"message","type","param","code"}}`, the OpenAI error envelope. */
export interface ResponsesErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/**
 * Keys the decoder adds to `Message.extra` to remember a wire shape the IR cannot express.
 * They start with `$`, which no Responses field does, and the encoder never writes them.
 */
export const CONTENT_STRING_MARK = '$contentString';
export const INPUT_STRING_MARK = '$inputString';
/** A reasoning item that held a Switchyard envelope (its blocks, if any, are restored in place). */
export const CARRIER_MARK = '$carrier';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Item types produced by the model (replayed as assistant turns); every other item is client input. */
const MODEL_ITEM_TYPES = new Set([
  'web_search_call',
  'file_search_call',
  'computer_call',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'shell_call',
  'apply_patch_call',
  'mcp_call',
  'mcp_list_tools',
  'mcp_approval_request',
  'tool_search_call',
  'compaction',
  'compaction_summary',
]);

export function isModelProducedItemType(type: string): boolean {
  if (MODEL_ITEM_TYPES.has(type)) return true;
  // Unknown future item types: `*_call` is the naming every model-produced call has used so far.
  return type.endsWith('_call');
}
