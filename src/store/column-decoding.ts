/** How a backend hands back the columns that are not plain text or numbers. */
export interface ColumnDecoding {
  /** SQLite stores booleans as 0/1; Postgres returns them as booleans. */
  boolean(value: unknown): boolean;
  /** SQLite stores JSON as text; Postgres returns jsonb parsed. `fallback` when the column is absent. */
  json<T>(value: unknown, fallback: T): T;
}
