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
    hitsCode: (code) => code === 0xdb40,
    before: 0,
    after: 2,
    pattern: /\uDB40[\uDC00-\uDC7F]/g,
  },
  {
    id: 'bidi-control',
    category: 'injection',
    trigger: '[\\u202A-\\u202E\\u2066-\\u2069]',
    hitsCode: (code) => (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069),
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

/**
 * Where a hidden instruction can start, for the one-pass pre-filter: each phrase of
 * `hiddenInstructionPattern` has a word it cannot do without (matched here in any case). The
 * pattern then runs only in a window around each hit (see `scan-texts.ts`).
 */
export const hiddenInstructionAnchors: readonly { words: readonly string[]; trigger: RegExp }[] = [
  { words: ['ignore', 'disregard', 'forget', 'override'], trigger: /(?:ignore|disregard|forget|override)\s/iy },
  { words: ['system'], trigger: /system\s/iy },
  { words: ['you'], trigger: /you\s+are\s/iy },
  { words: ['do'], trigger: /do\s+not\s/iy },
  { words: ['<|'], trigger: /<\|/y },
  { words: ['[i', '[/'], trigger: /\[\/?inst\]/iy },
];

/** A hidden instruction's window around its anchor: the phrase before it (`updated system`) and after it. */
export const hiddenInstructionWindow = { before: 64, after: 512 };

let lookAlikes: Uint8Array | undefined;

/**
 * Whether a character can hide an instruction from the windowed match: NFKC turns it into
 * ASCII letters or `<|[]/:` (full-width letters, ligatures, letter-like symbols…), it is
 * removed before matching (zero-width characters), or it leads a surrogate pair of such
 * characters (mathematical alphanumerics, enclosed letters, tag characters). A text with one
 * is normalised and matched whole. The table is built on first use (~8 ms, once).
 */
export function hidesLetters(code: number): boolean {
  lookAlikes ??= buildLookAlikes();
  return lookAlikes[code] === 1;
}

function buildLookAlikes(): Uint8Array {
  const table = new Uint8Array(65536);
  for (let code = 0x80; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const character = String.fromCharCode(code);
    const normalized = character.normalize('NFKC');
    if (normalized !== character && /[A-Za-z<|[\]/:]/.test(normalized)) table[code] = 1;
  }
  for (const code of [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xd835, 0xd83c, 0xdb40]) table[code] = 1;
  return table;
}
