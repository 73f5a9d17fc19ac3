import { isRecord, mapArray, mapStringLeaves, withField, type RequestTextSource, type RequestTextVisitor } from '../../core/request-text.ts';

function mapParts(parts: unknown[], location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown[] {
  return mapArray(parts, (part, index) => {
    if (!isRecord(part)) return part;
    const at = `${location}[${index}]`;
    // Thought parts are model reasoning replayed with their signature: left as they are.
    if (typeof part['text'] === 'string' && part['thought'] !== true) return withField(part, 'text', visit(part['text'], `${at}.text`, source, false));
    if (isRecord(part['functionCall'])) {
      const call = part['functionCall'];
      return withField(part, 'functionCall', withField(call, 'args', mapStringLeaves(call['args'], `${at}.functionCall.args`, 'tool-arguments', visit)));
    }
    if (isRecord(part['functionResponse'])) {
      const response = part['functionResponse'];
      return withField(
        part,
        'functionResponse',
        withField(response, 'response', mapStringLeaves(response['response'], `${at}.functionResponse.response`, 'tool-output', visit)),
      );
    }
    return part;
  });
}

function mapContent(content: unknown, location: string, source: RequestTextSource, visit: RequestTextVisitor): unknown {
  if (!isRecord(content) || !Array.isArray(content['parts'])) return content;
  return withField(content, 'parts', mapParts(content['parts'], `${location}.parts`, source, visit));
}

/** Where a Gemini request keeps text: `systemInstruction` and `contents[].parts[]`. */
export function mapGeminiRequestText(body: Record<string, unknown>, visit: RequestTextVisitor): Record<string, unknown> {
  let out = body;
  if (body['systemInstruction'] !== undefined)
    out = withField(out, 'systemInstruction', mapContent(body['systemInstruction'], 'systemInstruction', 'instructions', visit));
  const contents = body['contents'];
  if (!Array.isArray(contents)) return out;
  return withField(
    out,
    'contents',
    mapArray(contents, (content, index) => mapContent(content, `contents[${index}]`, 'message', visit)),
  );
}
