import { log } from '../../core/log.ts';
import { RedisCoordination } from './redis-coordination.ts';

/**
 * Connects to the coordination Redis. A Redis that is down does not stop the start: the
 * gateway serves keys without budgets or limits and answers the others 503 (or serves them
 * unchecked with `on_unavailable: allow`) until it connects.
 */
export async function openCoordination(config: { url: string; keyPrefix: string; onUnavailable: 'deny' | 'allow' }): Promise<RedisCoordination> {
  const coordination = new RedisCoordination(config);
  if (!(await coordination.connected())) {
    log.warn(`coordination: Redis at ${redactedUrl(config.url)} is not reachable yet; retrying in the background`);
  }
  return coordination;
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
