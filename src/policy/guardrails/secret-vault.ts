import { maxPlaceholderLength, placeholderFor, placeholderPrefix } from './placeholder.ts';

/**
 * The secrets one request carried, by placeholder. The request is the vault: a response may
 * only refer to secrets its own request held, so nothing is stored beyond the request.
 */
export class SecretVault {
  private readonly secrets = new Map<string, string>();

  /** `salt`: the gateway's placeholder salt (`RuntimeConfig.guardrailsSalt`, revealed). */
  constructor(private readonly salt: string) {}

  /** Registers a secret (as text, unescaped) and returns its placeholder. */
  add(rule: string, secret: string): string {
    const placeholder = placeholderFor(rule, secret, this.salt);
    this.secrets.set(placeholder, secret);
    return placeholder;
  }

  get size(): number {
    return this.secrets.size;
  }

  get maxLength(): number {
    return maxPlaceholderLength;
  }

  /** The secret for a placeholder, in the form the surrounding text needs (`json`: escaped for a JSON string). */
  secretFor(placeholder: string, json: boolean): string | undefined {
    const secret = this.secrets.get(placeholder);
    if (secret === undefined || !json) return secret;
    return JSON.stringify(secret).slice(1, -1);
  }

  /** Every known placeholder in a complete text turned back into its secret. */
  restore(text: string, json: boolean): string {
    if (this.secrets.size === 0 || !text.includes(placeholderPrefix)) return text;
    let out = text;
    for (const placeholder of this.secrets.keys()) {
      if (out.includes(placeholder)) out = out.replaceAll(placeholder, this.secretFor(placeholder, json)!);
    }
    return out;
  }

  /** Whether `tail` (which starts with `[`) could still grow into a known placeholder. */
  couldBecomePlaceholder(tail: string): boolean {
    for (const placeholder of this.secrets.keys()) if (placeholder.startsWith(tail)) return true;
    return false;
  }
}
