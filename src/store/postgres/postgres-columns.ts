import type { ColumnDecoding } from '../column-decoding.ts';

/** How pg hands back booleans and jsonb (already parsed), for the shared row mappers. */
export const postgresColumns: ColumnDecoding = {
  boolean: (value) => value === true,
  json: <T>(value: unknown, fallback: T): T => (value === null || value === undefined ? fallback : (value as T)),
};
