import type { GuardrailCategory } from './finding.ts';

/**
 * A rule the gateway runs itself. It runs only near a hit of its `trigger` (a cheap pre-filter,
 * mostly literal keywords, matched in one combined pass over each text), over the window
 * `[hit - before, hit + after]`. Patterns use bounded quantifiers over classes that cannot
 * overlap their neighbours, so no input makes them backtrack (test/…/adversarial tests).
 */
export interface RegexRule {
  readonly id: string;
  readonly category: GuardrailCategory;
  /** Regex sources without capture groups; several literals beat one alternation (each is skipped to by its literal). */
  readonly trigger: string | readonly string[];
  /**
   * The literals every trigger match starts with (two ASCII characters or more): the one-pass
   * pre-filter (`anchor-index.ts`) looks for these and runs the trigger only there. Absent: the
   * trigger runs as its own pass (rules led by a character class, such as digits).
   */
  readonly anchors?: readonly string[];
  /** For rules about characters outside ASCII: which code units hit (checked in the same pass, instead of `trigger`). */
  readonly hitsCode?: (code: number) => boolean;
  readonly before: number;
  readonly after: number;
  /** Global flag required; a named group `value` marks the secret part (default: the whole match). */
  readonly pattern: RegExp;
  /** Structural check on the value (checksum, entropy, decodes as a JWT header...). */
  accept?(value: string): boolean;
  /** Only texts from these sources (default: every text). */
  readonly sources?: readonly string[];
}

/** A family of keys secretlint's recommended preset detects: the gateway only pre-filters and hands it windows. */
export interface SecretlintFamily {
  /** The `@secretlint/secretlint-rule-*` rule whose messages this family covers. */
  readonly secretlintRule: string;
  readonly trigger: string | readonly string[];
  /** As `RegexRule.anchors`. */
  readonly anchors?: readonly string[];
  readonly before: number;
  readonly after: number;
}
