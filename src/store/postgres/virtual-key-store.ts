import type { Pool } from 'pg';
import { VirtualKeyConflictError, type VirtualKeyPatch, type VirtualKeyRecord, type VirtualKeyStore } from '../virtual-key-store.ts';

/** Postgres' unique_violation. */
const uniqueViolation = '23505';

/** Virtual keys on Postgres: every call goes to the table; the lookup by hash uses the UNIQUE index. */
export class PostgresVirtualKeyStore implements VirtualKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(record: VirtualKeyRecord): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO virtual_keys (name, hash, prefix, team, user_name, tags, models_allowed, aliases, budget, rate_limit, guardrails, cache, expires_at, created_at, revoked_at, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          record.name,
          record.hash,
          record.prefix,
          record.team ?? null,
          record.user ?? null,
          JSON.stringify(record.tags),
          jsonOrNull(record.modelsAllowed),
          JSON.stringify(record.aliases),
          jsonOrNull(record.budget),
          jsonOrNull(record.rateLimit),
          jsonOrNull(record.guardrails),
          jsonOrNull(record.cache),
          record.expiresAt ?? null,
          record.createdAt,
          record.revokedAt ?? null,
          record.source,
        ],
      );
    } catch (error) {
      // The constraints decide (not a check-then-insert), so two instances cannot both win.
      if ((error as { code?: string }).code !== uniqueViolation) throw error;
      if ((error as { constraint?: string }).constraint === 'virtual_keys_pkey')
        throw new VirtualKeyConflictError('name', `A key named "${record.name}" already exists.`);
      throw new VirtualKeyConflictError('hash', 'A key with the same secret already exists.');
    }
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const row = (await this.pool.query<Row>('SELECT * FROM virtual_keys WHERE hash = $1', [hash])).rows[0];
    return row && fromRow(row);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return (await this.pool.query<Row>('SELECT * FROM virtual_keys ORDER BY created_at, seq')).rows.map(fromRow);
  }

  async get(name: string): Promise<VirtualKeyRecord | undefined> {
    const row = (await this.pool.query<Row>('SELECT * FROM virtual_keys WHERE name = $1', [name])).rows[0];
    return row && fromRow(row);
  }

  async update(name: string, patch: VirtualKeyPatch): Promise<VirtualKeyRecord | undefined> {
    const assignments: string[] = [];
    const values: unknown[] = [name];
    const set = (column: string, value: unknown) => {
      values.push(value);
      assignments.push(`${column} = $${values.length}`);
    };
    if (patch.team !== undefined) set('team', patch.team);
    if (patch.user !== undefined) set('user_name', patch.user);
    if (patch.tags !== undefined) set('tags', JSON.stringify(patch.tags));
    if (patch.modelsAllowed !== undefined) set('models_allowed', jsonOrNull(patch.modelsAllowed));
    if (patch.aliases !== undefined) set('aliases', JSON.stringify(patch.aliases));
    if (patch.budget !== undefined) set('budget', jsonOrNull(patch.budget));
    if (patch.rateLimit !== undefined) set('rate_limit', jsonOrNull(patch.rateLimit));
    if (patch.guardrails !== undefined) set('guardrails', jsonOrNull(patch.guardrails));
    if (patch.cache !== undefined) set('cache', jsonOrNull(patch.cache));
    if (patch.expiresAt !== undefined) set('expires_at', patch.expiresAt);
    if (assignments.length === 0) return this.get(name);
    const row = (await this.pool.query<Row>(`UPDATE virtual_keys SET ${assignments.join(', ')} WHERE name = $1 RETURNING *`, values)).rows[0];
    return row && fromRow(row);
  }

  async revoke(name: string, at: Date): Promise<VirtualKeyRecord | undefined> {
    const row = (
      await this.pool.query<Row>('UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2 RETURNING *', [at.toISOString(), name])
    ).rows[0];
    return row && fromRow(row);
  }

  async hasAny(): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM virtual_keys LIMIT 1')).rows.length > 0;
  }
}

interface Row {
  name: string;
  hash: string;
  prefix: string;
  team: string | null;
  user_name: string | null;
  tags: string[];
  models_allowed: string[] | null;
  aliases: Record<string, string>;
  budget: NonNullable<VirtualKeyRecord['budget']> | null;
  rate_limit: NonNullable<VirtualKeyRecord['rateLimit']> | null;
  guardrails: NonNullable<VirtualKeyRecord['guardrails']> | null;
  cache: NonNullable<VirtualKeyRecord['cache']> | null;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function fromRow(row: Row): VirtualKeyRecord {
  const record: VirtualKeyRecord = {
    name: row.name,
    hash: row.hash,
    prefix: row.prefix,
    tags: row.tags,
    aliases: row.aliases,
    createdAt: row.created_at,
    source: 'api',
  };
  if (row.team !== null) record.team = row.team;
  if (row.user_name !== null) record.user = row.user_name;
  if (row.models_allowed !== null) record.modelsAllowed = row.models_allowed;
  if (row.budget !== null) record.budget = row.budget;
  if (row.rate_limit !== null) record.rateLimit = row.rate_limit;
  if (row.guardrails !== null) record.guardrails = row.guardrails;
  if (row.cache !== null) record.cache = row.cache;
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  return record;
}
