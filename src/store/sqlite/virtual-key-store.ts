import { sqliteColumns } from './sqlite-columns.ts';
import { jsonOrNull, patchAssignments, virtualKeyFromColumns } from '../virtual-key-columns.ts';
import type Database from 'better-sqlite3';
import { VirtualKeyConflictError, type VirtualKeyPatch, type VirtualKeyRecord, type VirtualKeyStore } from '../virtual-key-store.ts';

/**
 * Virtual keys on SQLite. Every call goes to the table (no cache), so a revocation made by
 * one request is seen by the very next one; the lookup by hash uses the UNIQUE index.
 */
export class SqliteVirtualKeyStore implements VirtualKeyStore {
  private readonly insert: Database.Statement;
  private readonly selectByHash: Database.Statement;
  private readonly selectByName: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectAny: Database.Statement;
  private readonly markRevoked: Database.Statement;

  constructor(private readonly database: Database.Database) {
    this.insert = database.prepare(`INSERT INTO virtual_keys
      (name, hash, prefix, team, user_name, tags, models_allowed, aliases, budget, rate_limit, guardrails, cache, expires_at, created_at, revoked_at, source)
      VALUES (@name, @hash, @prefix, @team, @user_name, @tags, @models_allowed, @aliases, @budget, @rate_limit, @guardrails, @cache, @expires_at, @created_at, @revoked_at, @source)`);
    this.selectByHash = database.prepare('SELECT * FROM virtual_keys WHERE hash = ?');
    this.selectByName = database.prepare('SELECT * FROM virtual_keys WHERE name = ?');
    this.selectAll = database.prepare('SELECT * FROM virtual_keys ORDER BY created_at, rowid');
    this.selectAny = database.prepare('SELECT 1 FROM virtual_keys LIMIT 1');
    this.markRevoked = database.prepare('UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?');
  }

  async create(record: VirtualKeyRecord): Promise<void> {
    try {
      this.insert.run(toRow(record));
    } catch (error) {
      // The constraints decide (not a check-then-insert), so two processes on one file cannot both win.
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) throw error;
      if (this.selectByName.get(record.name)) throw new VirtualKeyConflictError('name', `A key named "${record.name}" already exists.`);
      throw new VirtualKeyConflictError('hash', 'A key with the same secret already exists.');
    }
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectByHash.get(hash) as Row | undefined;
    return row && fromRow(row);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return (this.selectAll.all() as Row[]).map(fromRow);
  }

  async get(name: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectByName.get(name) as Row | undefined;
    return row && fromRow(row);
  }

  async update(name: string, patch: VirtualKeyPatch): Promise<VirtualKeyRecord | undefined> {
    const assignments: string[] = [];
    const parameters: Record<string, unknown> = { name };
    const set = (column: string, value: unknown) => {
      assignments.push(`${column} = @${column}`);
      parameters[column] = value;
    };
    for (const [column, value] of patchAssignments(patch)) set(column, value);
    if (assignments.length > 0) this.database.prepare(`UPDATE virtual_keys SET ${assignments.join(', ')} WHERE name = @name`).run(parameters);
    return this.get(name);
  }

  async revoke(name: string, at: Date): Promise<VirtualKeyRecord | undefined> {
    this.markRevoked.run(at.toISOString(), name);
    return this.get(name);
  }

  async hasAny(): Promise<boolean> {
    return this.selectAny.get() !== undefined;
  }
}

interface Row {
  name: string;
  hash: string;
  prefix: string;
  team: string | null;
  user_name: string | null;
  tags: string;
  models_allowed: string | null;
  aliases: string;
  budget: string | null;
  rate_limit: string | null;
  guardrails: string | null;
  cache: string | null;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
  source: string;
}

function toRow(record: VirtualKeyRecord): Row {
  return {
    name: record.name,
    hash: record.hash,
    prefix: record.prefix,
    team: record.team ?? null,
    user_name: record.user ?? null,
    tags: JSON.stringify(record.tags),
    models_allowed: jsonOrNull(record.modelsAllowed),
    aliases: JSON.stringify(record.aliases),
    budget: jsonOrNull(record.budget),
    rate_limit: jsonOrNull(record.rateLimit),
    guardrails: jsonOrNull(record.guardrails),
    cache: jsonOrNull(record.cache),
    expires_at: record.expiresAt ?? null,
    created_at: record.createdAt,
    revoked_at: record.revokedAt ?? null,
    source: record.source,
  };
}

function fromRow(row: Row): VirtualKeyRecord {
  return virtualKeyFromColumns(row as unknown as Record<string, unknown>, sqliteColumns);
}
