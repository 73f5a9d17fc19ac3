/**
 * What a router tells the other instances (Redis coordination) so they route alike: a
 * breaker that opened (until when) or closed, and the target a session stuck to. Both are
 * fire-and-forget: routing never waits on it, and an instance that misses one decides on its
 * own until the next.
 */
export interface SharedRoutingState {
  breakerChanged(target: string, openUntil: number): void;
  sessionStuck(session: string, target: string): void;
}
