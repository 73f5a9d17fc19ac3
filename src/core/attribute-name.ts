/**
 * What an attribute may be called (contract §2 `attribution`, `x-switchyard-metadata` keys):
 * lower-case letters, digits and `_`, starting with a letter, at most 64. The stores rely on it:
 * such a name is safe inside a JSON path.
 */
export const attributeNamePattern = /^[a-z][a-z0-9_]{0,63}$/;

export function isAttributeName(name: string): boolean {
  return attributeNamePattern.test(name);
}
