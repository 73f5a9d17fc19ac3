import type { GuardrailsOverride } from '../config/guardrails-config.ts';
import type { CacheOverride } from '../config/cache-config.ts';
import type { BudgetConfig, RateLimitConfig } from '../config/runtime-config.ts';

/**
 * A virtual key made at run time (admin API / `switchyard keys create`). Only the sha256 of
 * the secret is kept, plus a short display prefix; the secret itself is shown once and never
 * stored. Records are never deleted: revoking sets `revokedAt`, so log rows keep pointing at a
 * known key name and "a key existed once" stays true (auth never silently switches back off).
 */
export interface VirtualKeyRecord {
  /** Unique, never reused (a revoked key keeps its name). */
  name: string;
  /** sha256 hex of the secret; unique. */
  hash: string;
  /** The first characters of the secret, for telling keys apart (`sk-sy-abcdef`). */
  prefix: string;
  team?: string;
  user?: string;
  tags: string[];
  /** Absent: every model. */
  modelsAllowed?: string[];
  aliases: Record<string, string>;
  budget?: BudgetConfig;
  rateLimit?: RateLimitConfig;
  /** The key's guardrails override (only the fields it names), as a config key carries it. */
  guardrails?: GuardrailsOverride;
  /** The key's response-cache override (docs/decisions/0012). */
  cache?: CacheOverride;
  /** ISO 8601 timestamps. */
  expiresAt?: string;
  createdAt: string;
  revokedAt?: string;
  source: 'api';
}

/** Fields an update may change. `null` clears an optional field; absent leaves it as is. */
export interface VirtualKeyPatch {
  team?: string | null;
  user?: string | null;
  tags?: string[];
  modelsAllowed?: string[] | null;
  aliases?: Record<string, string>;
  budget?: BudgetConfig | null;
  rateLimit?: RateLimitConfig | null;
  /** Replaces the whole override (no field-by-field merge); null removes it. */
  guardrails?: GuardrailsOverride | null;
  cache?: CacheOverride | null;
  expiresAt?: string | null;
}

/** `create` was given a name or secret hash that is already stored (revoked keys included). */
export class VirtualKeyConflictError extends Error {
  constructor(
    readonly field: 'name' | 'hash',
    message: string,
  ) {
    super(message);
    this.name = 'VirtualKeyConflictError';
  }
}

export interface VirtualKeyStore {
  /** Throws VirtualKeyConflictError when the name or hash is taken. */
  create(record: VirtualKeyRecord): Promise<void>;
  /** The record with this secret hash, revoked and expired ones included (the caller decides). */
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  /** Every record, oldest first. */
  list(): Promise<VirtualKeyRecord[]>;
  get(name: string): Promise<VirtualKeyRecord | undefined>;
  /** The updated record, or undefined when there is no such key. */
  update(name: string, patch: VirtualKeyPatch): Promise<VirtualKeyRecord | undefined>;
  /** Marks the key revoked (an already revoked key keeps its first revocation time). */
  revoke(name: string, at: Date): Promise<VirtualKeyRecord | undefined>;
  /** True once any key was ever stored, revoked ones included. */
  hasAny(): Promise<boolean>;
}
