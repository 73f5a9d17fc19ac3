/** A config that cannot be used. The message names the path; the hint says how to fix it. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} (${hint})` : message);
    this.name = 'ConfigError';
  }
}
