import type { ServerResponse } from 'node:http';
import { log } from '../../core/log.ts';
import { GatewayError, invalidRequest } from '../../core/errors.ts';
import type { KeyConfig } from '../../config/runtime-config.ts';
import type { ResponseStore, StoredResponse } from '../../store/response-store.ts';
import { RequestBody } from '../../core/request-body.ts';
import type { ConversationMemory } from './conversation-memory.ts';
import { tapTerminalResponse } from './terminal-response-tap.ts';

/** Process-wide: the stored turns being written, so a continuation that arrives first waits for them. */
export class PendingPuts {
  private readonly pending = new Map<string, Promise<void>>();

  track(scope: string, id: string, put: Promise<void>): void {
    const key = `${scope}\u0000${id}`;
    // Never rejects (the writer logs its own failure): a wait only needs to know it is over.
    const settled: Promise<void> = put.then(
      () => this.done(key, settled),
      () => this.done(key, settled),
    );
    this.pending.set(key, settled);
  }

  async wait(scope: string, id: string): Promise<void> {
    await this.pending.get(`${scope}\u0000${id}`);
  }

  private done(key: string, settled: Promise<void>): void {
    if (this.pending.get(key) === settled) this.pending.delete(key);
  }
}

export interface ContinuationServices {
  store: ResponseStore;
  pending: PendingPuts;
  retentionMs: number;
  /** The connection's own turns (WebSocket); absent over HTTP. */
  memory?: ConversationMemory;
}

/** The key a stored response belongs to; `''` when the gateway runs without keys. */
export function responseScope(key: KeyConfig | undefined): string {
  return key?.name ?? '';
}

/**
 * `previous_response_id` and `store` for one Responses request, on any provider: before the
 * pipe, a continuation is expanded into the whole conversation (earlier turns' input and
 * output items, reasoning and signatures included, then the new items) and the field removed,
 * so a stateless provider gets the history it needs and an OpenAI upstream the same input
 * Codex would have sent over HTTP; an unknown id (or another key's) is refused with OpenAI's
 * 404 `previous_response_not_found`, never dropped. After it, a stored turn (`store` not false, as OpenAI's default,
 * or every turn of a WebSocket connection) is written the moment its terminal event passes.
 */
export class ResponsesContinuation {
  private remember = false;
  private persist = false;
  private previousId: string | null = null;
  private input: unknown[] = [];
  /** The conversation before this turn (what a continuation expanded into). */
  private before: readonly unknown[] = [];
  private scope = '';

  constructor(private readonly services: ContinuationServices) {}

  /**
   * Rewrites the body for the pipe (the key is known by now). `parsed`: the request as an
   * object already (a WebSocket frame), so its bytes are not parsed again. Fast path: a Codex
   * HTTP turn (`store:false`, no continuation) is not parsed at all.
   */
  async prepare(raw: Buffer, key: KeyConfig | undefined, response: ServerResponse, parsed?: Record<string, unknown>): Promise<Buffer | RequestBody> {
    if (!parsed && !raw.includes('"previous_response_id"') && raw.includes('"store":false')) return raw;
    // A body parsed here is handed on parsed: the pipe does not parse it again.
    const body = parsed ? undefined : new RequestBody(raw);
    const fields = parsed ?? body!.fields();
    this.scope = responseScope(key);
    this.persist = fields.store !== false;
    this.remember = this.services.memory !== undefined;
    this.input = inputItems(fields.input);
    const previous = fields.previous_response_id;
    let rewritten = parsed !== undefined;
    if (previous !== undefined && previous !== null) {
      if (typeof previous !== 'string' || previous === '') throw invalidRequest('`previous_response_id` must be a non-empty string.', 'previous_response_id');
      const history = await this.history(previous);
      this.before = history;
      fields.input = [...history, ...this.input];
      delete fields.previous_response_id;
      this.previousId = previous;
      rewritten = true;
    }
    if (this.remember || this.persist) tapTerminalResponse(response, fields.stream === true, (finished) => this.keep(finished));
    return rewritten ? RequestBody.fromParsed(fields) : (body ?? raw);
  }

  /** The items a continuation of `id` starts from: every earlier turn's input, then its output. */
  private async history(id: string): Promise<readonly unknown[]> {
    const remembered = this.services.memory?.history(id);
    if (remembered) return remembered;
    await this.services.pending.wait(this.scope, id);
    const chain = await this.services.store.chain(id, this.scope, new Date());
    if (!chain) {
      throw new GatewayError({
        code: 'caller_invalid_request',
        // OpenAI's own answer for an id it does not hold: 404 with this code and these first words.
        status: 404,
        message: `Previous response with id '${id}' not found. This gateway keeps responses made with store: true (and those of the same WebSocket connection) for the key that made them, until they expire.`,
        param: 'previous_response_id',
        providerCode: 'previous_response_not_found',
      });
    }
    return chain.flatMap((turn) => [...turn.input, ...outputItems(turn.response)]);
  }

  private keep(response: Record<string, unknown>): void {
    const id = response.id;
    if (typeof id !== 'string' || id === '') return;
    const now = new Date();
    const turn: StoredResponse = {
      id,
      scope: this.scope,
      previousId: this.previousId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.services.retentionMs).toISOString(),
      input: this.input,
      response,
    };
    if (this.remember) this.services.memory?.remember(id, [...this.before, ...this.input, ...outputItems(response)]);
    if (!this.persist) return;
    const put = this.services.store.put(turn);
    this.services.pending.track(this.scope, id, put);
    put.catch((error: unknown) => log.error(`could not store response ${id}`, error));
  }
}

/** `input` as a list of items (a string is one user message, as OpenAI reads it). */
export function inputItems(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? input : [];
}

function outputItems(response: Record<string, unknown>): unknown[] {
  return Array.isArray(response.output) ? response.output : [];
}
