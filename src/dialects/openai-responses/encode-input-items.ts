import type { ContentBlock, Message, ReasoningBlock, ToolCallBlock, ToolResultBlock } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import { encodeContentPart, isOpaqueContentPart } from './content-parts.ts';
import { isEnvelope } from './reasoning-envelope.ts';
import { encodeWireToolName } from './wire-tool-name.ts';
import { CONTENT_STRING_MARK, INPUT_STRING_MARK, isRecord } from './wire.ts';

type Item = Record<string, unknown>;

/**
 * Messages into `input` items (for an OpenAI upstream). A message decoded from Responses holds
 * exactly one item and comes back as that item; a message from another dialect (an Anthropic
 * assistant turn with thinking, text and tool_use) is split into sibling items in order.
 * `Message.extra` holds wire fields of the CLIENT's dialect: they are item fields only when
 * that is Responses (`sameDialect`); a Chat client's `name` or SDK-added `parsed` is not.
 */
export function encodeInputItems(messages: readonly Message[], toolNames: ToolNameMap, warnings: Warnings, sameDialect: boolean): string | Item[] {
  if (!sameDialect) messages = messages.map(({ extra: _foreign, ...message }) => message);
  const only = messages[0];
  if (messages.length === 1 && only?.extra?.[INPUT_STRING_MARK] === true) {
    const block = only.content[0];
    if (only.content.length === 1 && block?.type === 'text') return block.text;
  }
  return messages.flatMap((message) => encodeMessage(message, toolNames, warnings));
}

function encodeMessage(message: Message, toolNames: ToolNameMap, warnings: Warnings): Item[] {
  const items: Item[] = [];
  const leftovers = wireFields(message.extra);
  let parts: Array<Record<string, unknown>> | undefined;
  let partBlocks: ContentBlock[] = [];

  const flush = (): void => {
    if (parts === undefined) return;
    items.push(messageItem(message, parts, partBlocks, items.length === 0 ? leftovers : {}));
    parts = undefined;
    partBlocks = [];
  };
  const push = (item: Item | undefined): void => {
    if (!item) return;
    flush();
    // Fields the IR does not model belong to the item the message was decoded from: the first.
    items.push(items.length === 0 ? { ...leftovers, ...item } : item);
  };

  for (const block of message.content) {
    switch (block.type) {
      case 'tool-call':
        push(toolCallItem(block, toolNames, warnings));
        break;
      case 'tool-result':
        push(toolOutputItem(block, warnings));
        break;
      case 'reasoning':
        push(reasoningItem(block, warnings));
        break;
      case 'opaque':
        if (isOpaqueContentPart(block.value)) {
          addPart(block);
        } else if (block.dialect === 'openai-responses' && isRecord(block.value)) {
          push(block.value);
        } else {
          warnings.add('item_dropped', `A ${block.dialect} item has no OpenAI Responses equivalent and was dropped.`);
        }
        break;
      default:
        addPart(block);
    }
  }
  flush();
  // An empty message item is still an item (e.g. `content: []`); a message whose blocks were
  // all dropped (foreign reasoning) is not.
  if (message.content.length === 0 && message.role !== 'tool') items.push(messageItem(message, [], [], leftovers));
  return items;

  function addPart(block: ContentBlock): void {
    const role = message.role === 'tool' ? 'user' : message.role;
    if (role === 'assistant' && (block.type === 'image' || block.type === 'file')) {
      warnings.add('content_dropped', 'OpenAI Responses assistant messages cannot hold images or files; dropped.');
      return;
    }
    const part = encodeContentPart(block, role, warnings);
    if (!part) return;
    if (block.type === 'text' && block.signature && block.signature.family !== 'openai') {
      warnings.add('signature_dropped', `A ${block.signature.family} text signature cannot be sent to OpenAI; dropped.`);
    }
    parts ??= [];
    parts.push(part);
    partBlocks.push(block);
  }
}

function messageItem(message: Message, parts: Array<Record<string, unknown>>, blocks: ContentBlock[], leftovers: Item): Item {
  const fromResponses = message.extra !== undefined;
  const item: Item = { ...leftovers };
  // The short form `{role, content}` has no `type`; a message from elsewhere gets the long form.
  if (!fromResponses) item.type = 'message';
  if (message.id !== undefined) item.id = message.id;
  if (message.role === 'tool') {
    item.role = 'user';
  } else {
    item.role = message.role;
  }
  const single = blocks[0];
  const asString = message.extra?.[CONTENT_STRING_MARK] === true && blocks.length === 1 && single?.type === 'text';
  item.content = asString ? single.text : parts;
  return item;
}

function toolCallItem(block: ToolCallBlock, toolNames: ToolNameMap, warnings: Warnings): Item {
  const item: Item = { type: block.kind === 'custom' ? 'custom_tool_call' : 'function_call' };
  if (block.itemId !== undefined) item.id = block.itemId;
  item.call_id = block.callId;
  item.name = encodeWireToolName(block.name, block.kind, toolNames);
  if (block.namespace !== undefined) item.namespace = block.namespace;
  item[block.kind === 'custom' ? 'input' : 'arguments'] = block.input;
  if (block.status !== undefined) item.status = block.status;
  if (block.signature && block.signature.family !== 'openai') {
    warnings.add('signature_dropped', `A ${block.signature.family} tool-call signature cannot be sent to OpenAI; dropped.`);
  }
  return item;
}

function toolOutputItem(block: ToolResultBlock, warnings: Warnings): Item {
  const item: Item = { type: block.kind === 'custom' ? 'custom_tool_call_output' : 'function_call_output' };
  if (block.itemId !== undefined) item.id = block.itemId;
  item.call_id = block.callId;
  if (typeof block.output === 'string') {
    item.output = block.output;
  } else {
    const parts = block.output.map((part) => encodeContentPart(part, 'user', warnings)).filter((part) => part !== undefined);
    item.output = parts;
  }
  if (block.isError && typeof item.output === 'string') {
    // Responses has no error flag: say it in the text so the model still knows (lossy, §8).
    item.output = `Error: ${item.output}`;
  }
  if (block.namespace !== undefined) item.namespace = block.namespace;
  if (block.status !== undefined) item.status = block.status;
  return item;
}

/** OpenAI reasoning goes back verbatim; any other family's (or an envelope) never reaches OpenAI. */
function reasoningItem(block: ReasoningBlock, warnings: Warnings): Item | undefined {
  if (block.family !== 'openai' || (block.encryptedContent !== undefined && isEnvelope(block.encryptedContent))) {
    warnings.add('reasoning_dropped', `Reasoning produced by the ${block.family} family cannot be replayed to OpenAI; dropped.`);
    return undefined;
  }
  const item: Item = { type: 'reasoning' };
  if (block.itemId !== undefined) item.id = block.itemId;
  item.summary = block.summary.map((text) => ({ type: 'summary_text', text }));
  if (block.text !== undefined) item.content = block.text.map((text) => ({ type: 'reasoning_text', text }));
  if (block.encryptedContent !== undefined) item.encrypted_content = block.encryptedContent;
  return item;
}

/** `Message.extra` minus the decoder's own `$` marks. */
function wireFields(extra: Record<string, unknown> | undefined): Item {
  if (!extra) return {};
  const fields: Item = {};
  for (const [key, value] of Object.entries(extra)) if (!key.startsWith('$')) fields[key] = value;
  return fields;
}
