import type { ResponseCacheStore } from '../response-cache-store.ts';

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

/**
 * In-process LRU bounded in bytes (UTF-8 size of keys and values): the most recently read or
 * written entries stay, the oldest go first. Expired entries are dropped when read.
 */
export class MemoryResponseCache implements ResponseCacheStore {
  private readonly entries = new Map<string, Entry>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.size;
  }

  async get(key: string, now: number): Promise<string | undefined> {
    return this.read(key, now);
  }

  /** The synchronous read (the tiered cache checks memory without a turn of the event loop). */
  read(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.size -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  async put(key: string, value: string, expiresAt: number): Promise<void> {
    this.write(key, value, expiresAt);
  }

  write(key: string, value: string, expiresAt: number): void {
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    this.remove(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, expiresAt, bytes });
    this.size += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= entry.bytes;
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.size -= entry.bytes;
  }
}
