import type { RegexRule } from './rule.ts';

/**
 * Prompt-injection markers. Invisible characters are flagged wherever they are; instruction
 * phrases only in what tools and documents bring in (a user may well ask to "ignore the
 * previous instructions"), matched on NFKC-normalised text with invisible characters removed,
 * so full-width letters and zero-width joiners do not hide them.
 */
export const injectionRules: readonly RegexRule[] = [
  {
    id: 'unicode-tag-characters',
    category: 'injection',
    // U+E0000–U+E007F as UTF-16 surrogate pairs (the combined pre-filter runs without the u flag).
    trigger: '\\uDB40',
    before: 0,
    after: 2,
    pattern: /\uDB40[\uDC00-\uDC7F]/g,
  },
  {
    id: 'bidi-control',
    category: 'injection',
    trigger: '[\\u202A-\\u202E\\u2066-\\u2069]',
    before: 0,
    after: 1,
    pattern: /[\u202A-\u202E\u2066-\u2069]/g,
  },
];

/** Instructions hidden in tool output or documents (matched on normalised text; see `normalizeForMatching`). */
export const hiddenInstructionPattern =
  /\b(?:(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions?|directions|rules|prompts?|guidelines)|(?:new|updated|real)\s+system\s+(?:prompt|instructions?)\s*:|you\s+are\s+now\s+(?:in\s+)?(?:developer|dan|jailbreak|god)\s+mode|do\s+not\s+(?:tell|inform|mention\s+this\s+to)\s+the\s+user)\b|<\|im_start\|>|<\|(?:system|endoftext)\|>|\[\/?INST\]/i;

/** Invisible characters that can split a phrase: zero-width spaces/joiners, word joiner, BOM, tag characters. */
const invisible = /[\u200B-\u200D\u2060\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/** NFKC plus invisible characters removed; ASCII text is returned as is (nothing to fold). */
export function normalizeForMatching(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range test is the point.
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  return text.normalize('NFKC').replace(invisible, '');
}
