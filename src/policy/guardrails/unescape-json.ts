/** A span of a JSON string's source text as the string it means (kept raw when it is not a whole escape sequence). */
export function unescapeJson(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
