/**
 * The Gemini API wire format (AI Studio `v1beta`, `:generateContent` and
 * `:streamGenerateContent?alt=sse`), as far as this codec reads or writes it. Shapes follow
 * googleapis/js-genai `src/types.ts`; the API adds fields often and accepts snake_case
 * aliases (`parameters_json_schema`), so decoders read defensively and keep what they do not
 * understand as opaque values. The model is in the URL, never in the body.
 */

export interface GeminiInlineData {
  mimeType: string;
  /** Base64 bytes. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  /** A Files API URI (`https://generativelanguage.googleapis.com/v1beta/files/…`) or `gs://…`. */
  fileUri: string;
}

export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  /** Set by clients (and by Vertex); the Gemini API itself answers without one. */
  id?: string;
  /** Vertex `streamFunctionCallArguments`: arguments arrive in later chunks. */
  partialArgs?: GeminiPartialArg[];
  willContinue?: boolean;
}

/** One streamed argument fragment (Vertex `streamFunctionCallArguments`). */
export interface GeminiPartialArg {
  jsonPath: string;
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  nullValue?: unknown;
  willContinue?: boolean;
}

export interface GeminiFunctionResponse {
  name: string;
  id?: string;
  /** Must be an object: `{output: …}` on success, `{error: …}` on failure (the documented convention). */
  response: Record<string, unknown>;
  /** Media returned by the function (newer models). */
  parts?: GeminiPart[];
}

export interface GeminiPart {
  text?: string;
  /** The text is a thought summary (only with `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /** Opaque reasoning state; must go back on the same part it arrived on. */
  thoughtSignature?: string;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  /** `executableCode`, `codeExecutionResult`, `toolCall`, `toolResponse`, `videoMetadata`… */
  [other: string]: unknown;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI 3.0 subset (upper-case `type` enums); mutually exclusive with `parametersJsonSchema`. */
  parameters?: Record<string, unknown>;
  /** Real JSON Schema describing the arguments object. */
  parametersJsonSchema?: Record<string, unknown>;
  [other: string]: unknown;
}

/** One tool entry; a built-in tool is a single key (`googleSearch`, `codeExecution`, `urlContext`…). */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  [builtIn: string]: unknown;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiFunctionCallingMode; allowedFunctionNames?: string[]; [other: string]: unknown };
  [other: string]: unknown;
}

export type GeminiThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: tokens; 0 turns thinking off (Flash only), -1 lets the model decide. */
  thinkingBudget?: number;
  /** Gemini 3 (mutually exclusive with `thinkingBudget`). */
  thinkingLevel?: GeminiThinkingLevel | Uppercase<GeminiThinkingLevel>;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  responseMimeType?: string;
  responseJsonSchema?: unknown;
  /** OpenAPI-subset response schema (older form of `responseJsonSchema`). */
  responseSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
  [other: string]: unknown;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  [other: string]: unknown;
}

export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'IMAGE_OTHER'
  | 'NO_IMAGE'
  | 'IMAGE_RECITATION'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS'
  | 'MISSING_THOUGHT_SIGNATURE';

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: GeminiFinishReason | string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
  groundingMetadata?: unknown;
  citationMetadata?: unknown;
  [other: string]: unknown;
}

export interface GeminiUsageMetadata {
  /** All prompt tokens, cached content included. */
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  /** Answer tokens, thoughts excluded. */
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  [other: string]: unknown;
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  [other: string]: unknown;
}

/** google.rpc canonical codes used in `error.status`. */
export type GeminiErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'CANCELLED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

export interface GeminiErrorBody {
  error: { code: number; message: string; status: GeminiErrorStatus | string; details?: unknown[] };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
