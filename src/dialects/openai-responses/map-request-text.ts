import { isRecord, mapArray, mapStringLeaves, withField, type RequestTextSource, type RequestTextVisitor } from '../../core/request-text.ts';

/** Content parts that carry text (`input_text`, `output_text`, `text`, `refusal`); images and files' bytes are skipped. */
function mapParts(parts: unknown[], location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown[] {
  return mapArray(parts, (part, index) => {
    if (!isRecord(part)) return part;
    const at = `${location}[${index}]`;
    if (typeof part['text'] === 'string') return withField(part, 'text', visit(part['text'], `${at}.text`, source, false));
    if (typeof part['refusal'] === 'string') return withField(part, 'refusal', visit(part['refusal'], `${at}.refusal`, source, false));
    return part;
  });
}

function mapContent(content: unknown, location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown {
  if (typeof content === 'string') return visit(content, location, source, false);
  return Array.isArray(content) ? mapParts(content, location, source, visit) : content;
}

/** Where a Responses request keeps text: `instructions`, `input` (a string or items). */
export function mapResponsesRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown> {
  let out = body;
  if (typeof body['instructions'] === 'string') out = withField(out, 'instructions', visit(body['instructions'], 'instructions', 'instructions', false));
  const input = body['input'];
  if (typeof input === 'string') return withField(out, 'input', visit(input, 'input', 'message', false));
  if (!Array.isArray(input)) return out;
  const items = mapArray(input, (item, index) => {
    if (!isRecord(item)) return item;
    const at = `input[${index}]`;
    switch (item['type']) {
      case 'function_call':
        return typeof item['arguments'] === 'string' ? withField(item, 'arguments', visit(item['arguments'], `${at}.arguments`, 'tool-arguments', true)) : item;
      case 'custom_tool_call':
        return typeof item['input'] === 'string' ? withField(item, 'input', visit(item['input'], `${at}.input`, 'tool-arguments', false)) : item;
      case 'local_shell_call':
        return withField(item, 'action', mapStringLeaves(item['action'], `${at}.action`, 'tool-arguments', visit));
      case 'function_call_output':
      case 'custom_tool_call_output':
      case 'local_shell_call_output':
      case 'mcp_call_output':
        return withField(item, 'output', mapContent(item['output'], `${at}.output`, 'tool-output', visit));
      case 'reasoning':
        // Summaries are display text the provider sees again; encrypted content is opaque.
        return Array.isArray(item['summary']) ? withField(item, 'summary', mapParts(item['summary'], `${at}.summary`, 'message', visit)) : item;
      case 'message':
      case undefined: {
        const source = item['role'] === 'system' || item['role'] === 'developer' ? 'instructions' : 'message';
        return withField(item, 'content', mapContent(item['content'], `${at}.content`, source, visit));
      }
      default:
        return item;
    }
  });
  return withField(out, 'input', items);
}
