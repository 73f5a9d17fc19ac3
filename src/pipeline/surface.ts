import type { DialectCodec } from '../core/dialect.ts';
import type { DialectId, Usage } from '../core/ir/index.ts';
import type { PassthroughMeter } from './meters/passthrough-meter.ts';
import type { RequestBody } from './request-body.ts';

/** An inbound endpoint family: which dialect it speaks and where its model/stream flags live. */
export interface Surface {
  readonly dialect: DialectId;
  readonly codec: DialectCodec;
  readModel(body: RequestBody, url: URL): unknown;
  readStream(body: RequestBody, url: URL): boolean;
  /** The output cap the client asked for, if any (for rate-limit and budget worst cases). */
  readMaxOutputTokens(body: RequestBody): number | undefined;
  /** Usage from a same-dialect non-stream response body. */
  readUsage(body: unknown): Usage | undefined;
  /** The body for a same-dialect upstream serving `model` (the model may live in the URL instead). */
  withModel(body: RequestBody, model: string): Buffer;
  /** Meter for same-dialect passthrough streams. */
  createMeter(requestedModel: string): PassthroughMeter;
}
