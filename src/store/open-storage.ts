import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import type { Storage } from './ports.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';

export interface OpenStorageOptions {
  /** Where a network backend keeps rows it could not write yet (Postgres outbox). */
  outboxDir: string;
  /** Names this instance's outbox file. */
  instanceId?: string;
}

/** `sqlite:PATH` (or `sqlite::memory:`), or `postgres://…` / `postgresql://…` (loaded only when used). */
export async function openStorage(url: string, options: OpenStorageOptions = { outboxDir: resolve('.switchyard') }): Promise<Storage> {
  if (url.startsWith('sqlite:')) return SqliteStorage.open(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PostgresStorage } = await import('./postgres/postgres-storage.ts');
    return PostgresStorage.open(url, { outboxDir: options.outboxDir, ...(options.instanceId ? { instanceId: options.instanceId } : {}) });
  }
  throw new ConfigError(`storage.url: unsupported scheme in "${url.split(':')[0]}:"`, 'use sqlite:PATH or postgres://user@host:5432/db');
}
