/**
 * Every translation loss is a warning, never silent. Codecs push here; the pipeline logs
 * them, stores them on the log row and surfaces them in `x-switchyard-warnings` when the
 * headers are not yet sent.
 */
export interface TranslationWarning {
  /** A short stable code, e.g. `tool_dropped`, `field_dropped`, `system_hoisted`. */
  code: string;
  message: string;
}

export class Warnings {
  readonly list: TranslationWarning[] = [];

  add(code: string, message: string): void {
    if (this.list.some((w) => w.code === code && w.message === message)) return;
    this.list.push({ code, message });
  }

  get size(): number {
    return this.list.length;
  }
}
