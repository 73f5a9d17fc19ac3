/**
 * Remembers which target served a session (prompt_cache_key or session header) so later
 * turns stay there while it is healthy: provider prompt caches stay warm and encrypted
 * reasoning stays valid. Bounded: least recently used sessions are forgotten first.
 */
export class StickySessions {
  private readonly entries = new Map<string, { target: string; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSessions: number,
  ) {}

  get(session: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(session);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(session);
      return undefined;
    }
    // Re-insert to mark as recently used (Map keeps insertion order).
    this.entries.delete(session);
    this.entries.set(session, { target: entry.target, expiresAt: now + this.ttlMs });
    return entry.target;
  }

  /** The session's target without touching its recency or expiry. */
  peek(session: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(session);
    return entry && entry.expiresAt > now ? entry.target : undefined;
  }

  set(session: string, target: string, now = Date.now()): void {
    this.entries.delete(session);
    this.entries.set(session, { target, expiresAt: now + this.ttlMs });
    while (this.entries.size > this.maxSessions) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
