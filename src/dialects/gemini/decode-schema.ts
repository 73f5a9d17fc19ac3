import { isRecord } from './wire.ts';

const openApiTypes = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

/**
 * Gemini's OpenAPI-subset `Schema` (`parameters`, `responseSchema`, and what Gemini CLI even
 * sends as `responseJsonSchema`) → JSON Schema: upper-case `type` enums become lower-case and
 * `nullable: true` becomes a `null` member of `type`. Everything else is shared vocabulary
 * (`properties`, `items`, `required`, `enum`, `anyOf`, `format`, `description`…) and is kept,
 * so a real JSON Schema passes through unchanged.
 */
export function decodeOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(decodeOpenApiSchema);
  if (!isRecord(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string' && openApiTypes.has(value)) copy.type = value.toLowerCase();
    else if (key === 'nullable') continue;
    else if (key === 'properties' && isRecord(value))
      copy.properties = Object.fromEntries(Object.entries(value).map(([name, member]) => [name, decodeOpenApiSchema(member)]));
    else if (
      key === 'items' ||
      key === 'anyOf' ||
      key === 'oneOf' ||
      key === 'allOf' ||
      key === 'prefixItems' ||
      key === 'not' ||
      key === 'additionalProperties'
    )
      copy[key] = decodeOpenApiSchema(value);
    else copy[key] = value;
  }
  if (schema.nullable === true) {
    if (typeof copy.type === 'string') copy.type = [copy.type, 'null'];
    else if (copy.type === undefined) copy.anyOf = [...(Array.isArray(copy.anyOf) ? copy.anyOf : []), { type: 'null' }];
  }
  return copy;
}
