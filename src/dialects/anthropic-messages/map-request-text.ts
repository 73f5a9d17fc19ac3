import { isRecord, mapArray, mapStringLeaves, withField, type RequestTextSource, type RequestTextVisitor } from '../../core/request-text.ts';

function mapBlocks(blocks: unknown[], location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown[] {
  return mapArray(blocks, (block, index) => {
    if (!isRecord(block)) return block;
    const at = `${location}[${index}]`;
    switch (block['type']) {
      case 'text':
        return typeof block['text'] === 'string' ? withField(block, 'text', visit(block['text'], `${at}.text`, source, false)) : block;
      case 'tool_use':
      case 'server_tool_use':
        return withField(block, 'input', mapStringLeaves(block['input'], `${at}.input`, 'tool-arguments', visit));
      case 'tool_result': {
        const content = block['content'];
        if (typeof content === 'string') return withField(block, 'content', visit(content, `${at}.content`, 'tool-output', false));
        return Array.isArray(content) ? withField(block, 'content', mapBlocks(content, `${at}.content`, 'tool-output', visit)) : block;
      }
      case 'document': {
        const documentSource = block['source'];
        if (isRecord(documentSource) && documentSource['type'] === 'text' && typeof documentSource['data'] === 'string') {
          return withField(block, 'source', withField(documentSource, 'data', visit(documentSource['data'], `${at}.source.data`, 'document', false)));
        }
        return block;
      }
      default:
        // Images, thinking (signed: changing it breaks the signature), redacted thinking.
        return block;
    }
  });
}

/** Where a Messages request keeps text: `system` and each message's content blocks. */
export function mapAnthropicRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown> {
  let out = body;
  const system = body['system'];
  if (typeof system === 'string') out = withField(out, 'system', visit(system, 'system', 'instructions', false));
  else if (Array.isArray(system)) out = withField(out, 'system', mapBlocks(system, 'system', 'instructions', visit));
  const messages = body['messages'];
  if (!Array.isArray(messages)) return out;
  return withField(
    out,
    'messages',
    mapArray(messages, (message, index) => {
      if (!isRecord(message)) return message;
      const at = `messages[${index}].content`;
      const content = message['content'];
      if (typeof content === 'string') return withField(message, 'content', visit(content, at, 'message', false));
      return Array.isArray(content) ? withField(message, 'content', mapBlocks(content, at, 'message', visit)) : message;
    }),
  );
}
