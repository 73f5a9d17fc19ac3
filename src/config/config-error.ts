/** A config that cannot be used. The message names the path; the hint says how to fix it. */
export class ConfigError extends Error {
  /** Each problem found, one per entry (the message joins them). */
  readonly issues: string[];

  constructor(
    message: string,
    readonly hint?: string,
    issues?: string[],
  ) {
    super(hint ? `${message} (${hint})` : message);
    this.name = 'ConfigError';
    this.issues = issues ?? [this.message];
  }
}
