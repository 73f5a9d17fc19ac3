import type { Warnings } from '../../core/warnings.ts';

/** The schema of a tool that takes no arguments. */
export const emptyObjectSchema = (): Record<string, unknown> => ({ type: 'object', properties: {} });

/**
 * A function tool's parameters as the object schema Anthropic and Bedrock require: none → an
 * empty object, a schema without `type` → typed as an object; any other type is refused by
 * the vendor, so the tool is sent without parameters (with a warning naming `vendor`).
 */
export function objectParameterSchema(
  parameters: Record<string, unknown> | undefined,
  toolName: string,
  warnings: Warnings,
  vendor: string,
): Record<string, unknown> {
  if (parameters === undefined || Object.keys(parameters).length === 0) return emptyObjectSchema();
  if (parameters.type === undefined) return { type: 'object', ...parameters };
  if (parameters.type === 'object') return parameters;
  warnings.add('tool_schema_replaced', `Tool ${toolName} has a non-object parameter schema, which ${vendor} rejects; sent without parameters.`);
  return emptyObjectSchema();
}
