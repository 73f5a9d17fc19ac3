import type { IncomingHttpHeaders } from 'node:http';
import type { DialectId } from '../core/ir/index.ts';
import { anthropicForwardedHeaders } from '../dialects/anthropic-messages/index.ts';
import { converseForwardedHeaders } from '../dialects/bedrock-converse/index.ts';
import { geminiForwardedHeaders } from '../dialects/gemini/index.ts';
import { chatForwardedHeaders } from '../dialects/openai-chat/index.ts';
import { responsesForwardedHeaders } from '../dialects/openai-responses/index.ts';

const allowed: Record<DialectId, readonly string[]> = {
  'anthropic-messages': anthropicForwardedHeaders,
  'openai-responses': responsesForwardedHeaders,
  'openai-chat': chatForwardedHeaders,
  gemini: geminiForwardedHeaders,
  'bedrock-converse': converseForwardedHeaders,
};

/** The client headers that travel to a provider of the same dialect: its allowlist, nothing else. */
export function forwardedHeaders(dialect: DialectId, headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowed[dialect]) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
