import { isAttributeName } from '../../core/attribute-name.ts';

/** The JSON path of an attribute in an `attributes` column, bound as a parameter (never spliced into SQL). */
export function attributeJsonPath(attribute: string | undefined, what: string): string {
  if (attribute === undefined || !isAttributeName(attribute)) throw new RangeError(`${what}: not an attribute name: ${String(attribute)}`);
  return `$.${attribute}`;
}
