/**
 * Content blocks: the unit every dialect decodes into and encodes from.
 *
 * Invariants:
 * - Nothing a dialect cannot express is dropped silently: it either maps to a block here,
 *   travels as an `opaque` block (replayed only to the dialect that produced it), or the
 *   codec records a translation warning.
 * - Provider secrets (OpenAI `encrypted_content`, Anthropic thinking `signature` and
 *   `redacted_thinking.data`, Gemini `thoughtSignature`) are kept verbatim and tagged with the
 *   provider family that made them; encoders replay them only to that family.
 */

/** A wire format. */
export type DialectId = 'openai-responses' | 'openai-chat' | 'anthropic-messages' | 'gemini' | 'bedrock-converse';

/** Who produced an opaque reasoning secret; replayed only to the same family. */
export type ProviderFamily = 'openai' | 'anthropic' | 'gemini' | 'openai-compatible';

/** A signature attached to a non-reasoning part (Gemini `thoughtSignature` on a text or functionCall part). */
export interface PartSignature {
  family: ProviderFamily;
  value: string;
}

export interface TextBlock {
  type: 'text';
  text: string;
  /** Responses `output_text.annotations` (citations), kept as sent. */
  annotations?: unknown[];
  /** Anthropic `cache_control`, kept for same-family replay. */
  cacheControl?: unknown;
  signature?: PartSignature;
}

export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string } | { kind: 'file-id'; fileId: string };

export interface ImageBlock {
  type: 'image';
  source: ImageSource;
  /** Responses/Chat `detail` (no Anthropic/Gemini equivalent). */
  detail?: string;
}

export interface FileBlock {
  type: 'file';
  source: ImageSource;
  filename?: string;
}

/** How a tool is called: `function` takes JSON arguments, `custom` (OpenAI freeform) a raw string. */
export type ToolKind = 'function' | 'custom';

export interface ToolCallBlock {
  type: 'tool-call';
  /** The id results refer to (Responses `call_id`, Anthropic `toolu_…`, Chat `call_…`). */
  callId: string;
  /** Responses item id (`fc_…`, `ctc_…`), when the call came from or goes to Responses. */
  itemId?: string;
  name: string;
  /** Responses namespace the tool belongs to (flattened for dialects without namespaces). */
  namespace?: string;
  kind: ToolKind;
  /** `function`: the JSON arguments as a string, exactly as produced. `custom`: the raw input. */
  input: string;
  signature?: PartSignature;
  /** Responses item status, kept for lossless replay. */
  status?: string;
}

export interface ToolResultBlock {
  type: 'tool-result';
  callId: string;
  kind: ToolKind;
  /** Tool name when known (Gemini `functionResponse.name` requires it). */
  name?: string;
  namespace?: string;
  /** A string, or content blocks (text and images) for rich results. */
  output: string | ContentBlock[];
  isError?: boolean;
  itemId?: string;
  status?: string;
}

/**
 * Reasoning produced by a model. `summary` holds display text (Responses summary parts,
 * Anthropic thinking text, Gemini thought parts); the rest is provider-bound continuity.
 */
export interface ReasoningBlock {
  type: 'reasoning';
  family: ProviderFamily;
  /** Responses item id (`rs_…`). */
  itemId?: string;
  /** Display text, one entry per summary part / thinking segment. */
  summary: string[];
  /** Raw reasoning text where a provider exposes it (Responses `content[].reasoning_text`). */
  text?: string[];
  /** OpenAI `encrypted_content`. */
  encryptedContent?: string;
  /** Anthropic thinking `signature`. */
  signature?: string;
  /** Anthropic `redacted_thinking.data` (no display text at all). */
  redactedData?: string;
}

export interface RefusalBlock {
  type: 'refusal';
  text: string;
}

/**
 * Something the IR does not model (an unknown Responses item type, a server tool block…),
 * carried verbatim and replayed only to the dialect that produced it.
 */
export interface OpaqueBlock {
  type: 'opaque';
  dialect: DialectId;
  value: unknown;
}

export type ContentBlock = TextBlock | ImageBlock | FileBlock | ToolCallBlock | ToolResultBlock | ReasoningBlock | RefusalBlock | OpaqueBlock;

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface Message {
  role: Role;
  content: ContentBlock[];
  /** Responses message item id (`msg_…`), kept for lossless replay. */
  id?: string;
  /** Responses item `status`, `phase` and similar fields kept for same-dialect replay. */
  extra?: Record<string, unknown>;
}
