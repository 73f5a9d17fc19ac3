import { buildBudget } from '../../config/build-runtime-config.ts';
import { buildGuardrailsOverride } from '../../config/guardrails-config.ts';
import { buildCacheOverride } from '../../config/cache-config.ts';
import { z } from 'zod';
import type { BudgetConfig, RateLimitConfig } from '../../config/runtime-config.ts';
import { budgetSchema, keySchema, rateLimitSchema } from '../../config/schema.ts';
import { invalidRequest } from '../../core/errors.ts';
import type { VirtualKeyPatch, VirtualKeyRecord } from '../../store/virtual-key-store.ts';

/**
 * Request bodies of the key endpoints, built from the config file's own schemas so a key made
 * at run time accepts exactly what a key in the config may say (minus the secret, which the
 * gateway generates). Objects are strict: an unknown field is a 400 naming it.
 */
export const createKeyBodySchema = keySchema.omit({ key: true }).partial({ name: true });

/** Every field optional; `null` clears an optional setting. The name cannot change. */
export const patchKeyBodySchema = z.strictObject({
  team: keySchema.shape.team.unwrap().nullable().optional(),
  user: keySchema.shape.user.unwrap().nullable().optional(),
  tags: keySchema.shape.tags,
  models_allowed: keySchema.shape.models_allowed.unwrap().nullable().optional(),
  aliases: keySchema.shape.aliases,
  budget: budgetSchema.nullable().optional(),
  rate_limit: rateLimitSchema.nullable().optional(),
  /** The same block a config key may carry; it replaces the stored one whole, `null` removes it. */
  guardrails: keySchema.shape.guardrails.unwrap().nullable().optional(),
  /** The response-cache override (docs/decisions/0012); replaces the stored one whole, `null` removes it. */
  cache: keySchema.shape.cache.unwrap().nullable().optional(),
  expires_at: keySchema.shape.expires_at.unwrap().nullable().optional(),
});

export type CreateKeyBody = z.infer<typeof createKeyBodySchema>;
export type PatchKeyBody = z.infer<typeof patchKeyBodySchema>;

/** Validates a parsed JSON body, or throws a 400 whose message names every offending field. */
export function parseKeyBody<Schema extends z.ZodType>(schema: Schema, body: unknown, accepted: readonly string[]): z.infer<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((key) => `"${path ? `${path}.` : ''}${key}"`).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}${path ? '' : ` (accepted: ${accepted.join(', ')})`}`;
    }
    return `${path || '(body)'}: ${issue.message}`;
  });
  const firstPath = parsed.error.issues[0]?.path.map(String).join('.');
  throw invalidRequest(`Invalid key settings: ${messages.join('; ')}.`, firstPath || undefined);
}

export const createKeyFields = Object.keys(createKeyBodySchema.shape);
export const patchKeyFields = Object.keys(patchKeyBodySchema.shape);

/** The config file's budget spelling → the runtime one (same defaults, applied by the schema). */
export const budgetFromBody: (budget: z.infer<typeof budgetSchema>) => BudgetConfig = buildBudget;

/** An empty `rate_limit: {}` means no limit, the same as leaving it out. */
export function rateLimitFromBody(rateLimit: RateLimitConfig | null | undefined): RateLimitConfig | undefined {
  if (!rateLimit) return undefined;
  const out: RateLimitConfig = {};
  if (rateLimit.rpm !== undefined) out.rpm = rateLimit.rpm;
  if (rateLimit.tpm !== undefined) out.tpm = rateLimit.tpm;
  if (rateLimit.concurrent !== undefined) out.concurrent = rateLimit.concurrent;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A `guardrails` block → the stored override; an empty `{}` means none (the team's or the global settings apply). */
export function guardrailsFromBody(block: CreateKeyBody['guardrails']): VirtualKeyRecord['guardrails'] {
  const override = buildGuardrailsOverride(block);
  return override && Object.keys(override).length > 0 ? override : undefined;
}

/** A `cache` block → the stored override; an empty `{}` means none. */
export function cacheFromBody(block: CreateKeyBody['cache']): VirtualKeyRecord['cache'] {
  const override = buildCacheOverride(block);
  return override && Object.keys(override).length > 0 ? override : undefined;
}

/** Timestamps are stored normalised to UTC `…Z`, whatever offset the caller wrote. */
export function normalizeTimestamp(value: string): string {
  return new Date(value).toISOString();
}

export function patchFromBody(body: PatchKeyBody): VirtualKeyPatch {
  const patch: VirtualKeyPatch = {};
  if (body.team !== undefined) patch.team = body.team;
  if (body.user !== undefined) patch.user = body.user;
  if (body.tags !== undefined) patch.tags = body.tags;
  if (body.models_allowed !== undefined) patch.modelsAllowed = body.models_allowed;
  if (body.aliases !== undefined) patch.aliases = body.aliases;
  if (body.budget !== undefined) patch.budget = body.budget === null ? null : budgetFromBody(body.budget);
  if (body.rate_limit !== undefined) patch.rateLimit = rateLimitFromBody(body.rate_limit) ?? null;
  if (body.guardrails !== undefined) patch.guardrails = body.guardrails === null ? null : (guardrailsFromBody(body.guardrails) ?? null);
  if (body.cache !== undefined) patch.cache = body.cache === null ? null : (cacheFromBody(body.cache) ?? null);
  if (body.expires_at !== undefined) patch.expiresAt = body.expires_at === null ? null : normalizeTimestamp(body.expires_at);
  return patch;
}
