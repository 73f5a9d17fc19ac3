/** What a guardrail looks for. */
export type GuardrailCategory = 'secrets' | 'pii' | 'injection';

/** One match in one text: where it is (UTF-16 offsets) and which rule found it. Never logged as is. */
export interface Finding {
  rule: string;
  category: GuardrailCategory;
  /** Index of the text in the batch scanned. */
  text: number;
  start: number;
  end: number;
}

/** A piece of a request the provider would see, with where it lives (for messages, never the value). */
export interface ScanText {
  text: string;
  /** E.g. `input[3].output` (dialect wording). */
  location: string;
  /** Tool output and documents are where hidden instructions come from. */
  source: 'instructions' | 'message' | 'tool-output' | 'tool-arguments' | 'document';
}
