import type { DialectId, ProviderFamily } from '../core/ir/index.ts';
import type { EmbeddingsApi, PreparedCall, ProviderSettings } from './provider-descriptor.ts';
import type { ProviderTransport } from './provider-transport.ts';

export type { PreparedCall } from './provider-descriptor.ts';

/** A configured deployment: its settings bound to its type's descriptor. */
export interface Provider<C extends ProviderSettings = ProviderSettings> {
  readonly config: C;
  readonly dialect: DialectId;
  readonly family: ProviderFamily;
  /** The dialect and family a model of this provider speaks (the type's, unless the type serves several). */
  dialectFor(model: string): DialectId;
  familyFor(model: string): ProviderFamily;
  /** URL and headers (credentials included) for a model call. */
  prepare(call: { model: string; stream: boolean }): PreparedCall;
  /** The provider's own token counting endpoint, when it has one. */
  prepareCountTokens?(model: string): PreparedCall;
  /** `POST /v1/embeddings`: the wire API and the call, when the type has one. */
  readonly embeddings?: { api: EmbeddingsApi; prepare(model: string): PreparedCall };
  /** How a cloud provider's calls are finished (signed, tokened, reframed); absent = sent as prepared. */
  readonly transport?: ProviderTransport;
}
