/** `anthropic.claude-…`, with or without a cross-region inference profile prefix (`us.`, `eu.`, `global.`…) or inside an ARN. */
export function isClaudeModel(model: string): boolean {
  return /(^|[./])anthropic\.claude-/.test(model);
}
