import type { ModelRequest } from '../../core/ir/index.ts';
import { isRecord } from './wire.ts';

/**
 * What a Gemini client sent that the IR does not model, kept in `extensions.gemini` so the
 * Gemini encoder can put it back (other encoders ignore it):
 * - top-level request fields (`safetySettings`, `cachedContent`, `labels`, …) under their own names;
 * - `generationConfig`: its unmodelled fields (`candidateCount`, `seed`, `responseModalities`,
 *   `responseSchema`, `thinkingConfig.includeThoughts`, …);
 * - `toolConfig`: its unmodelled fields (`retrievalConfig`, `includeServerSideToolInvocations`…).
 */
export interface GeminiExtension {
  generationConfig?: Record<string, unknown>;
  toolConfig?: Record<string, unknown>;
  [topLevel: string]: unknown;
}

/** Keys of `extensions.gemini` merged into the body instead of copied. */
export const mergedExtensionKeys: ReadonlySet<string> = new Set(['generationConfig', 'toolConfig']);

export function geminiExtensionOf(request: ModelRequest): GeminiExtension {
  const extension = request.extensions.gemini;
  return isRecord(extension) ? (extension as GeminiExtension) : {};
}

/** `thinkingConfig.includeThoughts` as a Gemini client asked it, when it did. */
export function requestedIncludeThoughts(request: ModelRequest): boolean | undefined {
  const thinking = geminiExtensionOf(request).generationConfig?.thinkingConfig;
  return isRecord(thinking) && typeof thinking.includeThoughts === 'boolean' ? thinking.includeThoughts : undefined;
}
