import { randomBytes } from 'node:crypto';

/**
 * The Gemini API answers function calls without ids (results are matched by name and order), so the decoders make
 * one up: `call_` + 24 lower-case hex digits. The encoder recognises its own ids and leaves
 * them out of `functionCall.id` / `functionResponse.id` (Gemini never saw them); ids Gemini
 * or a client chose travel on both parts, which Gemini accepts and matches by.
 */
const synthesizedPattern = /^call_[0-9a-f]{24}$/;

export function synthesizeCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

export function isSynthesizedCallId(callId: string): boolean {
  return synthesizedPattern.test(callId);
}
