import { ConfigError } from '../config/config-error.ts';
import type { Storage } from './ports.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';

/** `sqlite:PATH` (or `sqlite::memory:`) today; `postgres://` arrives with the scale-out issue. */
export async function openStorage(url: string): Promise<Storage> {
  if (url.startsWith('sqlite:')) return SqliteStorage.open(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new ConfigError(`storage.url: Postgres storage is not available in this version`, 'use sqlite:PATH for now');
  }
  throw new ConfigError(`storage.url: unsupported scheme in "${url.split(':')[0]}:"`, 'use sqlite:PATH');
}
