import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's key, read the way each client sends it: `Authorization: Bearer` (OpenAI SDKs,
 * Codex, Claude Code with ANTHROPIC_AUTH_TOKEN), `x-api-key` (Anthropic SDKs), `x-goog-api-key`
 * (Gemini CLI) or `?key=` (Google REST).
 */
export function readCredential(headers: IncomingHttpHeaders, searchParams: URLSearchParams | undefined): string | undefined {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string' && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    return authorization.slice(7).trim();
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey.trim();
  const googleKey = headers['x-goog-api-key'];
  if (typeof googleKey === 'string' && googleKey) return googleKey.trim();
  const queryKey = searchParams?.get('key');
  return queryKey ? queryKey.trim() : undefined;
}
