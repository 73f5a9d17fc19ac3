import type { ColumnDecoding } from './column-decoding.ts';
import type { VirtualKeyPatch, VirtualKeyRecord } from './virtual-key-store.ts';

/** The `virtual_keys` columns every backend shares: how a record and a patch become them and back. */

export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The columns a patch sets, in a fixed order, values already encoded (JSON as text). */
export function patchAssignments(patch: VirtualKeyPatch): Array<[column: string, value: unknown]> {
  const assignments: Array<[string, unknown]> = [];
  if (patch.team !== undefined) assignments.push(['team', patch.team]);
  if (patch.user !== undefined) assignments.push(['user_name', patch.user]);
  if (patch.tags !== undefined) assignments.push(['tags', JSON.stringify(patch.tags)]);
  if (patch.modelsAllowed !== undefined) assignments.push(['models_allowed', jsonOrNull(patch.modelsAllowed)]);
  if (patch.aliases !== undefined) assignments.push(['aliases', JSON.stringify(patch.aliases)]);
  if (patch.budget !== undefined) assignments.push(['budget', jsonOrNull(patch.budget)]);
  if (patch.rateLimit !== undefined) assignments.push(['rate_limit', jsonOrNull(patch.rateLimit)]);
  if (patch.guardrails !== undefined) assignments.push(['guardrails', jsonOrNull(patch.guardrails)]);
  if (patch.cache !== undefined) assignments.push(['cache', jsonOrNull(patch.cache)]);
  if (patch.expiresAt !== undefined) assignments.push(['expires_at', patch.expiresAt]);
  return assignments;
}

/** A stored (API-made) key from its row; absent optional columns stay absent on the record. */
export function virtualKeyFromColumns(row: Record<string, unknown>, decode: ColumnDecoding): VirtualKeyRecord {
  const record: VirtualKeyRecord = {
    name: row['name'] as string,
    hash: row['hash'] as string,
    prefix: row['prefix'] as string,
    tags: decode.json<string[]>(row['tags'], []),
    aliases: decode.json<Record<string, string>>(row['aliases'], {}),
    createdAt: row['created_at'] as string,
    source: 'api',
  };
  const present = (column: string) => row[column] !== null && row[column] !== undefined;
  if (present('team')) record.team = row['team'] as string;
  if (present('user_name')) record.user = row['user_name'] as string;
  if (present('models_allowed')) record.modelsAllowed = decode.json<string[]>(row['models_allowed'], []);
  if (present('budget')) record.budget = decode.json<NonNullable<VirtualKeyRecord['budget']>>(row['budget'], {} as never);
  if (present('rate_limit')) record.rateLimit = decode.json<NonNullable<VirtualKeyRecord['rateLimit']>>(row['rate_limit'], {} as never);
  if (present('guardrails')) record.guardrails = decode.json<NonNullable<VirtualKeyRecord['guardrails']>>(row['guardrails'], {} as never);
  if (present('cache')) record.cache = decode.json<NonNullable<VirtualKeyRecord['cache']>>(row['cache'], {} as never);
  if (present('expires_at')) record.expiresAt = row['expires_at'] as string;
  if (present('revoked_at')) record.revokedAt = row['revoked_at'] as string;
  return record;
}
