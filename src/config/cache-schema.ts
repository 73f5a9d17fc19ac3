import { z } from 'zod';

/**
 * contract §2 `cache:` block (docs/decisions/0012). The top-level one holds the defaults; a key,
 * a team or a model entry may carry a partial one that overrides it (only the fields it names).
 */
export const cacheSchema = z.strictObject({
  /** off | respect (only when the request asks, `Cache-Control: max-age=N`) | force. */
  mode: z.enum(['off', 'respect', 'force']).optional(),
  ttl_s: z.number().int().positive().optional(),
  /** Who shares entries: one key (default) or every key of the same team. */
  scope: z.enum(['key', 'team']).optional(),
  /** Anthropic cache breakpoints placed by the gateway where the client sent none (default true). */
  prompt_caching: z.boolean().optional(),
});

/** The top-level block also sizes the stores and names the semantic cache (never an override). */
export const topLevelCacheSchema = cacheSchema.extend({
  /** The in-process LRU in front of the shared store, in bytes (default 64 MiB). */
  memory_max_bytes: z.number().int().positive().optional(),
  /** An answer larger than this is not stored (default 4 MiB). */
  max_entry_bytes: z.number().int().positive().optional(),
  /** Where entries live besides memory: `shared` = Redis with `coordination`, else the SQLite store (default). */
  store: z.enum(['memory', 'shared']).optional(),
  /** Opt-in: near-identical prompts without tools answered from the cache (docs/decisions/0012 says when it is unsafe). */
  semantic: z
    .strictObject({
      model: z.string().min(1),
      threshold: z.number().gt(0).lte(1),
    })
    .optional(),
});

export type CacheConfigFile = z.infer<typeof cacheSchema>;
export type TopLevelCacheConfigFile = z.infer<typeof topLevelCacheSchema>;
