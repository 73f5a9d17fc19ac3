/**
 * Stored Responses (`store: true`, `previous_response_id`, `GET`/`DELETE /v1/responses/{id}`).
 * Each record keeps one turn only: the items the client sent in it and the items the gateway
 * answered, plus the id it continued. The full conversation is the chain of records back to
 * the first, read in one call, so a long agent loop stores each item once.
 *
 * Records belong to a scope (the key name; `''` when the gateway runs without keys): a read,
 * a chain or a delete from another scope finds nothing, exactly as if the id did not exist.
 */
export interface StoredResponse {
  id: string;
  scope: string;
  /** The id this turn continued, or null for the first turn of a conversation. */
  previousId: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; past it the record is gone for every read and may be purged. */
  expiresAt: string;
  /** The items the client sent in this turn (Responses input items). */
  input: unknown[];
  /** The Responses `response` object as the client received it (its `output` holds the answer items). */
  response: Record<string, unknown>;
}

export interface ResponseStore {
  /** Saves (or replaces, same id and scope) one record. */
  put(record: StoredResponse): Promise<void>;
  /** The record, when it exists in this scope and has not expired at `now`. */
  get(id: string, scope: string, now: Date): Promise<StoredResponse | undefined>;
  /**
   * The conversation ending at `id`, oldest first; undefined when `id` or any record before it
   * is missing, expired or in another scope (a broken chain cannot be continued faithfully).
   */
  chain(id: string, scope: string, now: Date): Promise<StoredResponse[] | undefined>;
  /** Removes the record; false when there was none in this scope. */
  delete(id: string, scope: string): Promise<boolean>;
  /** Removes every record expired at `now`; answers how many went. */
  purgeExpired(now: Date): Promise<number>;
}
