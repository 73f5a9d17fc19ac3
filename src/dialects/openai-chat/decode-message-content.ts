import { isRecord } from './wire.ts';

/** A piece of assistant output in the order it came: visible text or reasoning text. */
export interface ContentPiece {
  kind: 'text' | 'reasoning';
  text: string;
}

/**
 * The text a message or delta carries, in order. `content` is a string almost everywhere;
 * Mistral's reasoning models send an array of chunks (`text`, and `thinking` holding text
 * chunks). Reasoning text comes as `reasoning_content` (vLLM, DeepSeek) or `reasoning`
 * (Ollama, Groq, OpenRouter) and precedes the content of the same message or delta.
 */
export function readContentPieces(message: Record<string, unknown>): ContentPiece[] {
  const pieces: ContentPiece[] = [];
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : typeof message.reasoning === 'string' ? message.reasoning : '';
  if (reasoning !== '') pieces.push({ kind: 'reasoning', text: reasoning });
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') pieces.push({ kind: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (!isRecord(part)) continue;
      if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') pieces.push({ kind: 'text', text: part.text });
      else if (part.type === 'thinking') {
        const text = readThinking(part.thinking);
        if (text !== '') pieces.push({ kind: 'reasoning', text });
      }
    }
  }
  return pieces;
}

function readThinking(thinking: unknown): string {
  if (typeof thinking === 'string') return thinking;
  if (!Array.isArray(thinking)) return '';
  return thinking.map((chunk) => (isRecord(chunk) && typeof chunk.text === 'string' ? chunk.text : '')).join('');
}
