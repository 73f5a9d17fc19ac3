import { inspect } from 'node:util';

/**
 * A credential from config. It never prints: `String()`, JSON and `util.inspect` all give
 * a placeholder, so a config dump, a log line or an error message cannot leak it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
