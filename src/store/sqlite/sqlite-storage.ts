import type Database from 'better-sqlite3';
import type { Storage } from '../ports.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteRequestLogStore } from './request-log-store.ts';
import { SqliteVirtualKeyStore } from './virtual-key-store.ts';
import { SqliteSpendStore } from './spend-store.ts';

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly logs: SqliteRequestLogStore;
  readonly keys: SqliteVirtualKeyStore;
  readonly spend: SqliteSpendStore;
  private readonly database: Database.Database;

  constructor(path: string) {
    this.database = openSqlite(path);
    this.logs = new SqliteRequestLogStore(this.database);
    this.keys = new SqliteVirtualKeyStore(this.database);
    this.spend = new SqliteSpendStore(this.database);
  }

  async ping(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.logs.flush();
    this.spend.flush();
    this.database.close();
  }
}
