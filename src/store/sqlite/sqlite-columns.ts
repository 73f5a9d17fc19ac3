import type { ColumnDecoding } from '../column-decoding.ts';

/** How SQLite hands back booleans (0/1) and JSON (text), for the shared row mappers. */
export const sqliteColumns: ColumnDecoding = {
  boolean: (value) => value === 1,
  json: <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback),
};
