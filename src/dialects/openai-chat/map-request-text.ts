import { isRecord, mapArray, withField, type RequestTextVisitor } from '../../core/request-text.ts';

/** Where a Chat Completions request keeps text: each message's content (string or text parts) and tool-call arguments. */
export function mapChatRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown> {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return body;
  return withField(
    body,
    'messages',
    mapArray(messages, (message, index) => {
      if (!isRecord(message)) return message;
      const at = `messages[${index}]`;
      const role = message['role'];
      const source = role === 'tool' || role === 'function' ? 'tool-output' : role === 'system' || role === 'developer' ? 'instructions' : 'message';
      let out = message;
      const content = message['content'];
      if (typeof content === 'string') out = withField(out, 'content', visit(content, `${at}.content`, source, false));
      else if (Array.isArray(content)) {
        out = withField(
          out,
          'content',
          mapArray(content, (part, partIndex) =>
            isRecord(part) && typeof part['text'] === 'string'
              ? withField(part, 'text', visit(part['text'], `${at}.content[${partIndex}].text`, source, false))
              : part,
          ),
        );
      }
      if (Array.isArray(message['tool_calls'])) {
        out = withField(
          out,
          'tool_calls',
          mapArray(message['tool_calls'], (call, callIndex) => {
            if (!isRecord(call) || !isRecord(call['function']) || typeof call['function']['arguments'] !== 'string') return call;
            const fn = call['function'];
            return withField(
              call,
              'function',
              withField(fn, 'arguments', visit(fn['arguments'] as string, `${at}.tool_calls[${callIndex}].function.arguments`, 'tool-arguments', true)),
            );
          }),
        );
      }
      return out;
    }),
  );
}
