import type { GatewayError } from '../core/errors.ts';

/** A model call as the dialect and the descriptor's `prepare` made it, before the cloud's transport finishes it. */
export interface TransportCall {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  model: string;
  stream: boolean;
  /** An embeddings call: sent as encoded, only the credentials are added. */
  embeddings?: boolean;
}

/** What is sent: the body may be rewritten (version in, model out), the credentials are added. */
export interface FinishedCall {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Turns a stream's own framing (the AWS event stream) into SSE bytes the dialect's decoders read. */
export interface StreamReframer {
  push(chunk: Buffer): Buffer;
  finish(): Buffer;
}

/**
 * The cloud part of a provider type whose calls need more than a static key: credentials that
 * depend on the body or on a fetched token (SigV4, OAuth2), a body the cloud wants in its own
 * variant of the dialect, or a stream framing other than SSE. One per configured provider, so
 * it may cache (tokens, resolved credentials).
 */
export interface ProviderTransport {
  finish(call: TransportCall): Promise<FinishedCall>;
  /** Credentials for `doctor`'s GET probe (signed, or with a token); throws a GatewayError when there are none. */
  authorizeProbe?(probe: { url: string; headers: Record<string, string> }): Promise<Record<string, string>>;
  /** What to check when the cloud refuses the credentials (`doctor`'s fix line). */
  readonly credentialsHint?: string;
  /** The content type a streamed answer arrives in (default `text/event-stream`). */
  readonly streamContentType?: string;
  /** `model`: a type whose models answer in different framings (Bedrock InvokeModel vs ConverseStream) picks per call. */
  createStreamReframer?(call: { model: string }): StreamReframer;
  /** The cloud's own error envelope (e.g. `x-amzn-ErrorType`), read before the dialect's. */
  decodeError?(status: number, body: unknown, headers: Headers): GatewayError | undefined;
}
