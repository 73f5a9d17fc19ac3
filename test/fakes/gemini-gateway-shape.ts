/**
 * The shape the gateway's Gemini encoder promises, checked on top of the API rules when
 * `validateGeminiRequest` runs with `gatewayShape` (codec tests): some are API rules the
 * emulator does not model in the API's own words, some are stricter than the API (signatures on
 * every model turn, not only the running tool loop; strictly alternating roles). Written from the
 * Gemini API reference and js-genai types, independently of the encoder. Returns every violation.
 */
const namePattern = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/;
const dataKeys = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const modes = ['AUTO', 'ANY', 'NONE', 'VALIDATED'];

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a schema uses a keyword (property names inside `properties` are not keywords). */
function containsKey(schema: unknown, key: string): boolean {
  if (Array.isArray(schema)) return schema.some((element) => containsKey(element, key));
  if (!isObject(schema)) return false;
  if (key in schema) return true;
  return Object.entries(schema).some(([name, member]) =>
    name === 'properties' && isObject(member) ? Object.values(member).some((property) => containsKey(property, key)) : containsKey(member, key),
  );
}

export interface GatewayShapeOptions {
  /** Gemini 3: the first functionCall of every model turn needs a thoughtSignature. */
  signatures?: boolean;
  /** Gemini 3 takes thinkingLevel (with these values), 2.5 thinkingBudget. */
  thinking?: 'level' | 'budget';
}

export function gatewayShapeProblems(body: Record<string, any>, options: GatewayShapeOptions = {}): string[] {
  const problems: string[] = [];
  if ('model' in body) problems.push('the model belongs in the URL, not the body');
  if ('stream' in body) problems.push('there is no stream field in a Gemini body');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return [...problems, 'contents must be a non-empty array'];

  contents.forEach((content: any, index: number) => {
    const where = `contents[${index}]`;
    if (content.role !== 'user' && content.role !== 'model') problems.push(`${where}.role must be user or model`);
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      problems.push(`${where}.parts must be a non-empty array`);
      return;
    }
    if (index > 0 && contents[index - 1].role === content.role) problems.push(`${where} has the same role as the content before it`);
    content.parts.forEach((part: any, partIndex: number) => {
      const at = `${where}.parts[${partIndex}]`;
      const data = dataKeys.filter((key) => key in part);
      if (data.length !== 1) problems.push(`${at} must have exactly one data field (has ${data.join(', ') || 'none'})`);
      if ('thoughtSignature' in part && (typeof part.thoughtSignature !== 'string' || !/^[A-Za-z0-9+/_=-]+$/.test(part.thoughtSignature)))
        problems.push(`${at}.thoughtSignature must be base64`);
      if (part.functionCall) {
        if (content.role !== 'model') problems.push(`${at}: functionCall outside a model content`);
        if (!namePattern.test(part.functionCall.name ?? '')) problems.push(`${at}.functionCall.name "${part.functionCall.name}" is not a valid Gemini name`);
        if (!isObject(part.functionCall.args)) problems.push(`${at}.functionCall.args must be an object`);
      }
      if (part.functionResponse) {
        if (content.role !== 'user') problems.push(`${at}: functionResponse outside a user content`);
        if (!namePattern.test(part.functionResponse.name ?? ''))
          problems.push(`${at}.functionResponse.name "${part.functionResponse.name}" is not a valid Gemini name`);
        if (!isObject(part.functionResponse.response)) problems.push(`${at}.functionResponse.response must be an object`);
      }
      if (typeof part.text === 'string' && part.text === '' && part.thoughtSignature === undefined)
        problems.push(`${at} is an empty text part without a signature`);
    });
    // Results answer the calls of the model content right before, in order and in number.
    const calls = content.role === 'model' ? content.parts.filter((part: any) => part.functionCall) : [];
    const next = contents[index + 1];
    if (calls.length > 0 && next !== undefined) {
      const responses = (next.parts ?? []).filter((part: any) => part.functionResponse);
      const leading = (next.parts ?? []).slice(0, responses.length);
      if (responses.length !== calls.length) problems.push(`${where} makes ${calls.length} calls but contents[${index + 1}] answers ${responses.length}`);
      if (leading.some((part: any) => !part.functionResponse)) problems.push(`contents[${index + 1}]: function responses must come first`);
      calls.forEach((call: any, position: number) => {
        const response = responses[position]?.functionResponse;
        if (response && response.name !== call.functionCall.name)
          problems.push(`contents[${index + 1}] response ${position} is named ${response.name}, the call ${call.functionCall.name}`);
        if (response && call.functionCall.id !== undefined && response.id !== call.functionCall.id)
          problems.push(`contents[${index + 1}] response ${position} id differs from its call`);
      });
    }
    if (content.role === 'user' && content.parts.some((part: any) => part.functionResponse)) {
      const previous = contents[index - 1];
      if (previous?.role !== 'model' || !previous.parts.some((part: any) => part.functionCall))
        problems.push(`${where} answers calls that the content before it did not make`);
    }
    if (options.signatures && calls.length > 0 && typeof calls[0].thoughtSignature !== 'string')
      problems.push(`${where}: the first functionCall has no thoughtSignature (Gemini 3 rejects it)`);
  });

  if (body.systemInstruction !== undefined) {
    const parts = body.systemInstruction.parts;
    if (!Array.isArray(parts) || parts.length === 0 || parts.some((part: any) => typeof part.text !== 'string'))
      problems.push('systemInstruction must hold text parts');
  }

  const declared: string[] = [];
  for (const [index, tool] of (body.tools ?? []).entries()) {
    if (!isObject(tool) || Object.keys(tool).length === 0) problems.push(`tools[${index}] is empty`);
    for (const declaration of tool.functionDeclarations ?? []) {
      if (!namePattern.test(declaration.name ?? '')) problems.push(`declaration "${declaration.name}" is not a valid Gemini name`);
      if (declared.includes(declaration.name)) problems.push(`declaration ${declaration.name} appears twice`);
      declared.push(declaration.name);
      if ('parameters' in declaration && 'parametersJsonSchema' in declaration)
        problems.push(`${declaration.name}: parameters and parametersJsonSchema are exclusive`);
      const schema = declaration.parametersJsonSchema;
      if (schema !== undefined && (!isObject(schema) || schema.type !== 'object'))
        problems.push(`${declaration.name}: parametersJsonSchema must be an object schema`);
      if (containsKey(schema, '$schema')) problems.push(`${declaration.name}: $schema is rejected`);
    }
  }
  const builtIn = (body.tools ?? []).some((tool: any) => Object.keys(tool).some((key) => key !== 'functionDeclarations'));
  if (builtIn && declared.length > 0 && body.toolConfig?.includeServerSideToolInvocations !== true)
    problems.push('built-in tools cannot be combined with function declarations');

  const calling = body.toolConfig?.functionCallingConfig;
  if (calling !== undefined) {
    if (declared.length === 0) problems.push('Function calling config is set without function_declarations');
    if (calling.mode !== undefined && !modes.includes(calling.mode)) problems.push(`functionCallingConfig.mode ${calling.mode} is unknown`);
    for (const name of calling.allowedFunctionNames ?? []) if (!declared.includes(name)) problems.push(`allowedFunctionNames names undeclared ${name}`);
  }

  const thinking = body.generationConfig?.thinkingConfig;
  if (thinking !== undefined) {
    if (thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined) problems.push('thinkingLevel and thinkingBudget are exclusive');
    if (options.thinking === 'budget' && thinking.thinkingLevel !== undefined) problems.push('this model takes thinkingBudget, not thinkingLevel');
  }
  const stops = body.generationConfig?.stopSequences;
  if (Array.isArray(stops) && stops.length > 5) problems.push('at most 5 stop sequences');
  return problems;
}
