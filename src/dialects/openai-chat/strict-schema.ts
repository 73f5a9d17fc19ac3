import { isRecord } from './wire.ts';

/**
 * Whether a JSON Schema satisfies OpenAI's strict-mode rules, so `strict: true` can be sent
 * without a 400: every object lists all its properties in `required` and sets
 * `additionalProperties: false`, recursively (properties, items, anyOf, $defs). Schemas
 * written for Anthropic or Gemini rarely do; their tools are then sent non-strict.
 */
export function satisfiesStrictSchema(schema: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof schema === 'boolean') return true;
  if (!isRecord(schema)) return false;
  // Keywords strict mode does not support at all.
  for (const keyword of ['allOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'patternProperties']) {
    if (schema[keyword] !== undefined) return false;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object') || schema.properties !== undefined) {
    if (schema.additionalProperties !== false) return false;
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const [name, property] of Object.entries(properties)) {
      if (!required.includes(name)) return false;
      if (!satisfiesStrictSchema(property, depth + 1)) return false;
    }
  }
  if (schema.items !== undefined && !satisfiesStrictSchema(schema.items, depth + 1)) return false;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.every((member) => satisfiesStrictSchema(member, depth + 1))) return false;
  for (const key of ['$defs', 'definitions']) {
    const definitions = schema[key];
    if (isRecord(definitions) && !Object.values(definitions).every((member) => satisfiesStrictSchema(member, depth + 1))) return false;
  }
  return true;
}
