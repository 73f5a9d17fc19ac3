import type { DialectId, ProviderFamily } from '../core/ir/index.ts';
import type { ProviderTransport } from './provider-transport.ts';

/** What a call is prepared from: the provider's settings as the config built them. */
export interface ProviderSettings {
  name: string;
  type: string;
  baseUrl: string;
  apiKey?: { reveal(): string };
  headers: Record<string, string>;
  apiVersion?: string;
  /** AWS region (Bedrock) or Google Cloud location (Vertex). */
  region?: string;
  /** Google Cloud project (Vertex). */
  project?: string;
  /** Cloud credentials: AWS keys or profile (Bedrock), a service-account file (Vertex); absent = the SDK's default chain. */
  credentials?: CloudCredentials;
  /** The provider's `quirks:` (a type may choose an API by them: Bedrock `bedrock_api: converse`). */
  quirks?: Readonly<Record<string, unknown>>;
}

export interface CloudCredentials {
  accessKeyId?: string;
  secretAccessKey?: { reveal(): string };
  sessionToken?: { reveal(): string };
  profile?: string;
  file?: string;
}

export interface PreparedCall {
  url: string;
  headers: Record<string, string>;
}

/**
 * Everything the gateway knows about one provider type, in one place: the config schema,
 * the environment defaults, `doctor`, model-name routing, tracing and `switchyard codex` all
 * read it from `providers/registry.ts`.
 */
export interface ProviderDescriptor {
  readonly type: string;
  readonly dialect: DialectId;
  readonly family: ProviderFamily;
  /** A type whose models speak different dialects (Vertex: Claude models speak Anthropic Messages): the model's, when not the type's. */
  modelDialect?(model: string, settings: ProviderSettings): { dialect: DialectId; family: ProviderFamily } | undefined;
  /** Used when the config gives no `base_url` (none: the config must give one). */
  readonly defaultBaseUrl?: string;
  /** Where the key is read from when the config gives none, in order. */
  readonly keyEnv: readonly string[];
  /** Where a base URL override is read from when the config gives none. */
  readonly baseUrlEnv?: string;
  /** Whether a call needs a key (local servers often take none). */
  readonly requiresKey: boolean;
  /** With no config file, a provider of this type is made (named after the type) when its key is in the environment. */
  readonly fromEnvironment: boolean;
  /** Bare model names that route here when no `models:` are configured. */
  readonly modelPrefixes: readonly RegExp[];
  /** OTel `gen_ai.provider.name` (other vendors keep their config name). */
  readonly genAiSystem?: string;
  /** Context window `switchyard codex` assumes for a model of this type without one configured. */
  readonly defaultContextWindow: number;
  /** URL and headers (credentials included) for a model call. */
  prepare(settings: ProviderSettings, call: { model: string; stream: boolean }): PreparedCall;
  /** The provider's own token counting endpoint, when it has one. */
  prepareCountTokens?(settings: ProviderSettings, model: string): PreparedCall;
  /** A cheap authenticated GET `doctor` sends (listing models costs nothing). */
  probe(settings: ProviderSettings): PreparedCall;
  /** Bedrock / Vertex: the endpoint of a region when the config gives no `base_url`. */
  regionalBaseUrl?(region: string): string;
  /** Which cloud's settings the type takes (AWS: `region`, keys, `profile`; Google: `location`, `project`, `credentials_file`); where `region` and `project` are read from when the config gives none, in order; `required` lists what a call cannot do without. */
  readonly cloud?: { kind: 'aws' | 'google'; regionEnv: readonly string[]; projectEnv?: readonly string[]; required: readonly ('region' | 'project')[] };
  /** Default `quirks` for every provider of this type (the config's own win). */
  readonly quirks?: Readonly<Record<string, string | number | boolean | string[]>>;
  /** `POST /v1/embeddings` to this type: which wire API and where (docs/decisions/0013). */
  readonly embeddings?: EmbeddingsSupport;
  /** Cloud transports (SigV4, OAuth2, event-stream framing): made once per configured provider. */
  createTransport?(settings: ProviderSettings): ProviderTransport;
  /** Whether a probe status means the key was rejected (beyond 401/403). */
  keyRejectedStatus?(status: number): boolean;
}

/** Headers every call carries: JSON in, the config's extra headers, and no compression (we parse SSE). */
export function baseHeaders(settings: ProviderSettings, stream: boolean): Record<string, string> {
  return {
    ...settings.headers,
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
  };
}

/** `Authorization: Bearer` when a key is set (OpenAI and every compatible server). */
export function bearer(settings: ProviderSettings): Record<string, string> {
  return settings.apiKey ? { authorization: `Bearer ${settings.apiKey.reveal()}` } : {};
}

/** The embeddings APIs the gateway speaks to: OpenAI's shape, Gemini's `batchEmbedContents`, Vertex `predict`, Bedrock InvokeModel (Titan, Cohere). */
export type EmbeddingsApi = 'openai' | 'gemini' | 'vertex' | 'bedrock';

export interface EmbeddingsSupport {
  readonly api: EmbeddingsApi;
  prepare(settings: ProviderSettings, model: string): PreparedCall;
}
