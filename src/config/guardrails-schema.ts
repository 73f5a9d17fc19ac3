import { z } from 'zod';
import { cacheSchema } from './cache-schema.ts';

/**
 * contract §2 `guardrails:` block. The top-level one holds the defaults; a key, a team or a
 * model entry may carry a partial one that overrides it (only the fields it names).
 */
export const guardrailsSchema = z.strictObject({
  secrets: z.strictObject({ action: z.enum(['off', 'flag', 'redact', 'block']) }).optional(),
  pii: z.strictObject({ action: z.enum(['off', 'flag', 'redact']) }).optional(),
  injection: z.strictObject({ action: z.enum(['off', 'flag', 'block']) }).optional(),
  /** The model's output is scanned for secrets too (flagged, or redacted when secrets redact). */
  scan_output: z.boolean().optional(),
  /** Text scanned per request (UTF-16 units); past it the rest counts as unscanned (see docs/guardrails.md). */
  max_scan_chars: z.number().int().positive().optional(),
});

/**
 * The top-level block also names the salt of placeholders and fingerprints (never an override:
 * one gateway, one salt). Set it, the same on every replica, so the same secret gets the same
 * placeholder and fingerprint on every instance and after every restart (docs/decisions/0006).
 */
export const topLevelGuardrailsSchema = guardrailsSchema.extend({
  fingerprint_salt: z.string().min(16, 'a fingerprint salt needs at least 16 characters').optional(),
});

/** Per-team settings (today only the guardrails override). */
export const teamSchema = z.strictObject({
  guardrails: guardrailsSchema.optional(),
  cache: cacheSchema.optional(),
});

export type GuardrailsConfigFile = z.infer<typeof guardrailsSchema>;
