import { z } from 'zod';
import { attributeNamePattern } from '../core/attribute-name.ts';

/** An attribute's name: what `group_by`, budgets and metric labels call it. */
export const attributeName = z
  .string()
  .regex(attributeNamePattern, 'lower-case letters, digits and _ (starting with a letter), at most 64')
  .refine((name) => !reservedAttributeNames.has(name), {
    message: 'this name is a built-in grouping (key, team, user, tag, model, provider, day); pick another',
  });

/** Groupings the spend API already has: an attribute of the same name could never be asked for. */
export const reservedAttributeNames = new Set(['key', 'team', 'user', 'tag', 'model', 'provider', 'day', 'org']);

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name')
  .transform((name) => name.toLowerCase())
  .refine((name) => name !== 'authorization' && name !== 'x-api-key' && name !== 'x-goog-api-key' && name !== 'cookie', {
    message: 'a credential header cannot be an attribute (its value would be logged)',
  });

/**
 * Who and what a request is for, read from its headers (contract §2 `attribution`):
 * `headers` maps an attribute name to the request header carrying it; `metric_labels` names
 * the attributes Prometheus gets as labels (cardinality is the operator's choice).
 */
export const attributionSchema = z.strictObject({
  headers: z.record(attributeName, headerName).default({}),
  metric_labels: z.array(attributeName).max(8).default([]),
});

export type AttributionConfigFile = z.infer<typeof attributionSchema>;
