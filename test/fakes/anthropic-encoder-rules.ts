/**
 * The Messages API rules a translated request must obey (translation-map §2-§9, and the 400s
 * recorded in public issues), as a list of violations: empty = valid. Deliberately written
 * apart from the encoder so a test can catch the encoder breaking a rule.
 */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,128}$/;
const toolIdPattern = /^[a-zA-Z0-9_-]+$/;
const topLevelKeys = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
]);

type Json = Record<string, any>;

function blank(text: unknown): boolean {
  return typeof text !== 'string' || text.trim().length === 0;
}

export function validateAnthropicRequest(body: Json): string[] {
  const problems: string[] = [];
  const fail = (message: string): void => void problems.push(message);
  for (const key of Object.keys(body)) if (!topLevelKeys.has(key)) fail(`unknown top-level field ${key}`);
  if (typeof body.model !== 'string' || body.model === '') fail('model missing');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) fail('max_tokens must be a positive integer');

  const thinking = body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';
  if (body.thinking?.type === 'enabled') {
    const budget = body.thinking.budget_tokens;
    if (!Number.isInteger(budget) || budget < 1024) fail('budget_tokens must be >= 1024');
    if (!(budget < body.max_tokens)) fail(`budget_tokens ${budget} must be < max_tokens ${body.max_tokens}`);
  }
  if (thinking) {
    if (body.temperature !== undefined) fail('temperature with thinking');
    if (body.top_k !== undefined) fail('top_k with thinking');
    if (body.tool_choice && !['auto', 'none'].includes(body.tool_choice.type)) fail(`tool_choice ${body.tool_choice.type} with thinking`);
  }

  let breakpoints = 0;
  const countCache = (value: Json): void => void (value.cache_control !== undefined && breakpoints++);
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) fail('system should be an array of text blocks here');
    else
      for (const block of body.system) {
        if (block.type !== 'text' || blank(block.text)) fail('system blocks must be non-empty text');
        countCache(block);
      }
  }

  const tools: Json[] = body.tools ?? [];
  const names = new Set<string>();
  for (const tool of tools) {
    countCache(tool);
    if (!toolNamePattern.test(String(tool.name))) fail(`tool name ${tool.name} does not match ${toolNamePattern}`);
    if (names.has(tool.name)) fail(`duplicate tool name ${tool.name}`);
    names.add(tool.name);
    if (tool.type !== undefined && tool.type !== 'custom') continue;
    if (tool.input_schema?.type !== 'object') fail(`tool ${tool.name} input_schema.type must be object`);
  }
  if (body.tool_choice !== undefined && tools.length === 0) fail('tool_choice without tools');
  if (body.tool_choice?.type === 'tool' && !names.has(body.tool_choice.name)) fail('tool_choice names an undeclared tool');

  const messages: Json[] = body.messages ?? [];
  if (messages.length === 0) fail('messages must not be empty');
  if (messages[0]?.role !== 'user') fail('the first message must be a user message');
  if (thinking && messages.at(-1)?.role === 'assistant') fail('prefill (final assistant message) with thinking');
  let usesToolBlocks = false;
  messages.forEach((message, index) => {
    const where = `messages.${index}`;
    if (message.role !== 'user' && message.role !== 'assistant') fail(`${where}: role ${message.role}`);
    if (index > 0 && messages[index - 1]?.role === message.role) fail(`${where}: roles must alternate`);
    if (!Array.isArray(message.content) || message.content.length === 0) return fail(`${where}: content must be a non-empty array`);
    const previous = messages[index - 1];
    const expected = new Set<string>(
      previous?.role === 'assistant' ? previous.content.filter((block: Json) => block.type === 'tool_use').map((block: Json) => block.id) : [],
    );
    let resultsDone = false;
    message.content.forEach((block: Json, position: number) => {
      const at = `${where}.content.${position}`;
      countCache(block);
      if (block.type === 'text' && blank(block.text)) fail(`${at}: empty text block`);
      if ((block.type === 'thinking' || block.type === 'redacted_thinking') && message.role !== 'assistant')
        fail(`${at}: thinking outside an assistant message`);
      if (block.type === 'thinking' && (blank(block.signature) || typeof block.thinking !== 'string')) fail(`${at}: thinking needs text and a signature`);
      if (block.type === 'tool_use') {
        usesToolBlocks = true;
        if (message.role !== 'assistant') fail(`${at}: tool_use outside an assistant message`);
        if (!toolIdPattern.test(String(block.id))) fail(`${at}: tool_use id ${block.id}`);
        if (typeof block.input !== 'object' || block.input === null || Array.isArray(block.input)) fail(`${at}: tool_use input must be an object`);
        const next = messages[index + 1];
        const answered = next?.role === 'user' && next.content.some((item: Json) => item.type === 'tool_result' && item.tool_use_id === block.id);
        if (!answered) fail(`${at}: tool_use ${block.id} has no tool_result in the next message`);
      }
      if (block.type === 'tool_result') {
        usesToolBlocks = true;
        if (message.role !== 'user') fail(`${at}: tool_result outside a user message`);
        if (resultsDone) fail(`${at}: tool_result after other content`);
        if (!expected.delete(block.tool_use_id)) fail(`${at}: tool_result ${block.tool_use_id} answers no tool_use of the previous message`);
        if (Array.isArray(block.content))
          for (const part of block.content) if (part.type === 'text' && blank(part.text)) fail(`${at}: empty text in tool_result`);
      } else {
        resultsDone = true;
      }
    });
    const last = message.content.at(-1);
    if (message.role === 'assistant' && index === messages.length - 1 && last?.type === 'text' && /\s$/.test(last.text))
      fail(`${where}: final assistant text ends with whitespace`);
  });
  if (usesToolBlocks && tools.length === 0) fail('tool_use/tool_result blocks without tools');
  if (breakpoints > 4) fail(`${breakpoints} cache_control breakpoints (max 4)`);

  // "a final assistant message must start with a thinking block (preceding the lastmost set of tool_use and tool_result blocks)".
  const final = messages.at(-1);
  const assistant = messages.at(-2);
  if (body.thinking?.type === 'enabled' && final?.content?.some?.((block: Json) => block.type === 'tool_result') && assistant?.role === 'assistant') {
    const first = assistant.content[0]?.type;
    if (first !== 'thinking' && first !== 'redacted_thinking') fail('thinking is on but the tool loop assistant message does not start with thinking');
  }
  return problems;
}
