import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';
import { emptyObjectSchema } from '../shared/object-parameter-schema.ts';

/** Keywords whose value is a map of names to subschemas. */
const schemaMaps = ['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas'];
/** Keywords whose value is one subschema. */
const schemaValues = [
  'items',
  'additionalProperties',
  'additionalItems',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
];
/** Keywords whose value is a list of subschemas. */
const schemaLists = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/**
 * A copy of a JSON Schema without `$schema`, which Gemini's schema parser rejects ("Invalid JSON
 * payload received. Unknown name \"$schema\"", router-for-me/CLIProxyAPI#97; hermes-agent strips
 * it before `parametersJsonSchema` too). Everything else is real JSON Schema that
 * `parametersJsonSchema` / `responseJsonSchema` accept as is. Property names are never touched.
 */
export function stripSchemaKeywords(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripSchemaKeywords);
  if (!isRecord(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (schemaMaps.includes(key) && isRecord(value)) {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, member]) => [name, stripSchemaKeywords(member)]));
    } else if (schemaValues.includes(key) || schemaLists.includes(key)) {
      copy[key] = stripSchemaKeywords(value);
    } else {
      copy[key] = value;
    }
  }
  return copy;
}

/** A function's `parametersJsonSchema`: always an object schema (Gemini describes arguments as an object). */
export function encodeParameterSchema(parameters: Record<string, unknown> | undefined, toolName: string, warnings: Warnings): Record<string, unknown> {
  if (parameters === undefined || Object.keys(parameters).length === 0) return emptyObjectSchema();
  const cleaned = stripSchemaKeywords(parameters) as Record<string, unknown>;
  if (cleaned.type === undefined) return { type: 'object', ...cleaned };
  if (cleaned.type === 'object') return cleaned;
  warnings.add('tool_schema_replaced', `Tool ${toolName} has a non-object parameter schema, which Gemini cannot call; sent without parameters.`);
  return emptyObjectSchema();
}
