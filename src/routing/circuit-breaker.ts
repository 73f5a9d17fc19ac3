/**
 * One breaker per target. Closed: requests flow. After `failureThreshold` consecutive
 * failures it opens for `cooldownMs`; then it is half-open and lets one probe through at a
 * time: a success closes it, a failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntilMs = 0;
  private probing = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(now = Date.now()): 'closed' | 'open' | 'half-open' {
    if (this.openUntilMs === 0) return 'closed';
    return now < this.openUntilMs ? 'open' : 'half-open';
  }

  /** Whether a request may go to this target now (takes the probe slot when half-open). */
  tryAcquire(now = Date.now()): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** When an open breaker half-opens (0 while closed). */
  get openUntil(): number {
    return this.openUntilMs;
  }

  /** Another instance's breaker for this target opened (until `until`) or closed (0). */
  apply(until: number): void {
    if (until === 0) return this.recordSuccess();
    this.openUntilMs = Math.max(this.openUntilMs, until);
    this.failures = Math.max(this.failures, this.failureThreshold);
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openUntilMs = 0;
    this.probing = false;
  }

  recordFailure(now = Date.now()): void {
    this.failures++;
    this.probing = false;
    if (this.openUntilMs !== 0 || this.failures >= this.failureThreshold) this.openUntilMs = now + this.cooldownMs;
  }
}
