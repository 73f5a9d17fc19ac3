import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { GatewayError } from '../../core/errors.ts';
import { log } from '../../core/log.ts';

/** What one instance tells the others (pub/sub). */
export type CoordinationMessage =
  | { type: 'keys-changed' | 'config-reloaded' }
  /** A target's breaker opened until `openUntil` (epoch ms) or closed (0). */
  | { type: 'breaker'; target: string; openUntil: number }
  /** A session stuck to a target. */
  | { type: 'sticky'; session: string; target: string };

/** A message as received: `from` is the sender's run (which ignores its own). */
export type CoordinationEvent = CoordinationMessage & { from: string };

export interface RedisCoordinationOptions {
  url: string;
  keyPrefix: string;
  onUnavailable: 'deny' | 'allow';
  /** Deadline of one command [1 s]; a command to an unreachable Redis fails at once (no offline queue). */
  commandTimeoutMs?: number;
}

/** A Lua script run with EVALSHA (ioredis falls back to EVAL once after a Redis restart). */
export interface RedisScript {
  name: string;
  lua: string;
}

/** Seconds a caller is told to wait when the shared counters cannot answer. */
export const coordinationRetryAfterSeconds = 2;

/**
 * The connection to the Redis every instance shares: one client for commands and scripts, one
 * for pub/sub. Commands never queue while Redis is unreachable (`enableOfflineQueue: false`):
 * they fail at once, so a budgeted request is answered 503 `budget_store_unavailable` within
 * milliseconds instead of hanging. Reconnects run in the background (every ≤ 1 s); after one,
 * `onReconnect` listeners resync (drop key caches, re-register live reservations, catch up on
 * config reloads missed meanwhile).
 */
export class RedisCoordination {
  readonly keyPrefix: string;
  readonly onUnavailable: 'deny' | 'allow';
  /** This process's run (pub/sub senders ignore their own events). */
  readonly runId = randomUUID();
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly eventListeners = new Set<(event: CoordinationEvent) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly scripts = new Set<string>();
  private wasReady = false;
  private closing = false;
  private lostAt: number | undefined;
  private lastFailOpenLog = 0;
  /** Counts requests served unchecked because Redis could not answer (`on_unavailable: allow`). */
  onFailOpen: ((check: 'budget' | 'rate_limit') => void) | undefined;

  constructor(options: RedisCoordinationOptions) {
    this.keyPrefix = options.keyPrefix;
    this.onUnavailable = options.onUnavailable;
    this.channel = `${options.keyPrefix}events`;
    const common = {
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(100 * times, 1_000),
    };
    this.client = new Redis(options.url, { ...common, enableOfflineQueue: false });
    // The subscriber's SUBSCRIBE waits for the connection (and is re-sent after a reconnect).
    this.subscriber = new Redis(options.url, { ...common, commandTimeout: undefined, maxRetriesPerRequest: null, autoResubscribe: true });
    this.client.on('error', () => undefined);
    this.client.on('close', () => this.noteLost());
    this.subscriber.on('error', () => undefined);
    this.client.on('ready', () => this.noteReady());
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let event: CoordinationEvent;
      try {
        event = JSON.parse(text) as CoordinationEvent;
      } catch {
        return;
      }
      if (event.from === this.runId) return;
      for (const listener of this.eventListeners) listener(event);
    });
    void this.subscriber.subscribe(this.channel).catch((error: unknown) => log.warn('coordination: could not subscribe to Redis events', error));
  }

  /** Waits (bounded) for the first connection; a Redis that is down does not stop the start. */
  async connected(timeoutMs = 2_000): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  get state(): 'connected' | 'unavailable' {
    return this.client.status === 'ready' ? 'connected' : 'unavailable';
  }

  key(...parts: string[]): string {
    return this.keyPrefix + parts.join(':');
  }

  /** Runs a script atomically in Redis: one round trip (EVALSHA). */
  async run(script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    if (!this.scripts.has(script.name)) {
      this.client.defineCommand(script.name, { lua: script.lua });
      this.scripts.add(script.name);
    }
    const command = (this.client as unknown as Record<string, (...argv: Array<string | number>) => Promise<unknown>>)[script.name]!;
    return command.call(this.client, keys.length, ...keys, ...args);
  }

  get commands(): Redis {
    return this.client;
  }

  async publish(message: CoordinationMessage): Promise<void> {
    const event: CoordinationEvent = { ...message, from: this.runId };
    try {
      if (message.type === 'config-reloaded') await this.client.incr(this.key('config-epoch'));
      // Breakers are also kept in a hash, so an instance that starts or reconnects catches up.
      if (message.type === 'breaker' && message.openUntil > 0) await this.client.hset(this.key('breakers'), message.target, message.openUntil);
      if (message.type === 'breaker' && message.openUntil === 0) await this.client.hdel(this.key('breakers'), message.target);
      await this.client.publish(this.channel, JSON.stringify(event));
    } catch (error) {
      // The others resync when Redis is back (reconnect: caches dropped, config epoch compared, breakers read).
      if (message.type === 'keys-changed' || message.type === 'config-reloaded') {
        log.warn(`coordination: could not tell the other instances (${message.type}); they catch up when Redis is back`, error);
      }
    }
  }

  /** Breakers some instance opened and that are still open: target id → until (epoch ms). */
  async openBreakers(now = Date.now()): Promise<Map<string, number>> {
    const open = new Map<string, number>();
    try {
      for (const [target, until] of Object.entries(await this.client.hgetall(this.key('breakers')))) {
        if (Number(until) > now) open.set(target, Number(until));
      }
    } catch {
      // Unreachable: each instance keeps its own breakers until Redis is back.
    }
    return open;
  }

  /** The config epoch (bumped by every announced reload); undefined while Redis cannot answer. */
  async configEpoch(): Promise<string | undefined> {
    try {
      return (await this.client.get(this.key('config-epoch'))) ?? '0';
    } catch {
      return undefined;
    }
  }

  onEvent(listener: (event: CoordinationEvent) => void): void {
    this.eventListeners.add(listener);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  /** Resolves when Redis answers; rejects while it cannot (for `/ready`). */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  /**
   * What a check does when Redis cannot answer: `deny` throws 503 `budget_store_unavailable`
   * (with Retry-After); `allow` logs (at most once every 10 s), counts, and returns normally.
   */
  unavailable(check: 'budget' | 'rate_limit', error: unknown): void {
    if (this.onUnavailable === 'deny') {
      throw new GatewayError({
        code: 'gateway_budget_store_unavailable',
        message: 'The shared budget and rate-limit store is unavailable, so this request cannot be checked. Please retry shortly.',
        retryAfterSeconds: coordinationRetryAfterSeconds,
        cause: error,
      });
    }
    this.onFailOpen?.(check);
    const now = Date.now();
    if (now - this.lastFailOpenLog > 10_000) {
      this.lastFailOpenLog = now;
      const reason = error instanceof Error ? error.message : String(error);
      log.warn(`coordination: Redis cannot answer (${reason}); serving requests without ${check} checks (coordination.on_unavailable: allow)`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.eventListeners.clear();
    this.reconnectListeners.clear();
    await Promise.allSettled([quit(this.client), quit(this.subscriber)]);
  }

  private noteLost(): void {
    if (this.lostAt !== undefined || this.closing || !this.wasReady) return;
    this.lostAt = Date.now();
    const effect = this.onUnavailable === 'deny' ? 'get 503' : 'are served unchecked';
    log.warn(`coordination: lost the connection to Redis; budgeted and rate-limited keys ${effect} until it is back`);
  }

  private noteReady(): void {
    const again = this.wasReady;
    this.wasReady = true;
    if (this.lostAt !== undefined) log.info(`coordination: Redis is back after ${Date.now() - this.lostAt} ms; resyncing`);
    this.lostAt = undefined;
    if (!again) return;
    for (const listener of this.reconnectListeners) {
      try {
        listener();
      } catch (error) {
        log.warn('coordination: a resync after reconnecting failed', error);
      }
    }
  }
}

async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500))]);
  } finally {
    client.disconnect();
  }
}

/** True for a fault of the Redis connection (as opposed to a bug such as a bad argument). */
export function isCallerBug(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError;
}
