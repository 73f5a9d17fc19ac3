import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis this machine runs for everyone (never flushed: tests use a unique key prefix and delete only its keys). */
export const sharedRedisUrl = process.env['SWITCHYARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

/** A key prefix no other test or agent uses. */
export function uniquePrefix(label: string): string {
  return `switchyard-test:${label}:${randomUUID()}:`;
}

/** Deletes the keys under `prefix` (SCAN + UNLINK, never FLUSH), bounded in time. */
export async function deletePrefix(prefix: string, url = sharedRedisUrl): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
