import { mapStringLeaves, type RequestTextSource, type RequestTextVisitor } from '../../core/request-text.ts';
import { isRecord } from './wire.ts';

function mapBlocks(blocks: unknown, location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown {
  if (!Array.isArray(blocks)) return blocks;
  let out: unknown[] | undefined;
  blocks.forEach((block, index) => {
    if (!isRecord(block)) return;
    const at = `${location}[${index}]`;
    let mapped: Record<string, unknown> = block;
    if (typeof block.text === 'string') {
      const text = visit(block.text, `${at}.text`, source, false);
      if (text !== block.text) mapped = { ...block, text };
    } else if (isRecord(block.toolUse)) {
      const input = mapStringLeaves(block.toolUse.input, `${at}.toolUse.input`, 'tool-arguments', visit);
      if (input !== block.toolUse.input) mapped = { ...block, toolUse: { ...block.toolUse, input } };
    } else if (isRecord(block.toolResult)) {
      const content = mapBlocks(block.toolResult.content, `${at}.toolResult.content`, 'tool-output', visit);
      const withJson = Array.isArray(content)
        ? content.map((part, partIndex) =>
            isRecord(part) && 'json' in part
              ? { ...part, json: mapStringLeaves(part.json, `${at}.toolResult.content[${partIndex}].json`, 'tool-output', visit) }
              : part,
          )
        : content;
      if (JSON.stringify(withJson) !== JSON.stringify(block.toolResult.content)) mapped = { ...block, toolResult: { ...block.toolResult, content: withJson } };
    }
    if (mapped !== block) (out ??= [...blocks])[index] = mapped;
  });
  return out ?? blocks;
}

/** Every text of a Converse request the model would see (system, messages, tool input and output); images, documents and signatures untouched. */
export function mapConverseRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown> {
  let out = body;
  const system = mapBlocks(body.system, 'system', 'instructions', visit);
  if (system !== body.system) out = { ...out, system };
  if (Array.isArray(body.messages)) {
    let messages: unknown[] | undefined;
    body.messages.forEach((message, index) => {
      if (!isRecord(message)) return;
      const content = mapBlocks(message.content, `messages[${index}].content`, 'message', visit);
      if (content !== message.content) (messages ??= [...(body.messages as unknown[])])[index] = { ...message, content };
    });
    if (messages) out = { ...out, messages };
  }
  return out;
}
