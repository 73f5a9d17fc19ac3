import { z } from 'zod';

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

/** Per-team settings (today only the guardrails override). */
export const teamSchema = z.strictObject({
  guardrails: guardrailsSchema.optional(),
});

export type GuardrailsConfigFile = z.infer<typeof guardrailsSchema>;
