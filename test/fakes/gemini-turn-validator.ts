// Conversation rules of the Gemini API over `contents`: roles, functionCall/functionResponse
// pairing (same count, same names, same order, in the very next turn) and Gemini 3 thought
// signatures. Signatures are checked only in the CURRENT turn — the contents after the last
// user content that carries text, i.e. the running tool loop — where the first functionCall
// part of every model step must carry a signature this emulator issued (or a documented dummy).
import { isPlainObject } from './fake-http.ts';
import { invalidArgument, type GeminiRejection } from './gemini-error.ts';
import { readField } from './gemini-payload-parser.ts';

/** Google's documented bypass values for function calls the model did not produce. */
export const dummyThoughtSignatures = ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'];

export const asList = (value: unknown): any[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

const partsOf = (content: any): Record<string, any>[] => asList(isPlainObject(content) ? content.parts : undefined).filter(isPlainObject);
const roleOf = (content: any): string => (isPlainObject(content) && typeof content.role === 'string' ? content.role : 'user');
const callsOf = (content: any) => partsOf(content).filter((part) => readField(part, 'functionCall') !== undefined);
const responsesOf = (content: any) => partsOf(content).filter((part) => readField(part, 'functionResponse') !== undefined);

/** A missing role is taken as "user" (the API defaults it); anything but user/model is refused. */
export function validateRoles(contents: unknown[]): GeminiRejection | undefined {
  for (const content of contents) {
    const role = isPlainObject(content) ? content.role : undefined;
    if (role !== undefined && role !== 'user' && role !== 'model') return invalidArgument('Please use a valid role: user, model.');
  }
  return undefined;
}

export function validateFunctionTurns(contents: unknown[]): GeminiRejection | undefined {
  for (const [index, content] of contents.entries()) {
    const previous = contents[index - 1];
    const calls = callsOf(content);
    if (calls.length > 0) {
      if (roleOf(content) !== 'model' || previous === undefined || roleOf(previous) !== 'user') {
        return invalidArgument('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
      }
      const next = contents[index + 1];
      // A trailing call turn is a continuation (nothing to answer yet); otherwise the next turn answers it.
      if (next !== undefined && responsesOf(next).length !== calls.length) return countMismatch();
    }
    const responses = responsesOf(content);
    if (responses.length === 0) continue;
    const answered = previous === undefined ? [] : callsOf(previous);
    if (roleOf(content) !== 'user' || answered.length === 0 || roleOf(previous) !== 'model') {
      return invalidArgument('Please ensure that function response turn comes immediately after a function call turn.');
    }
    if (answered.length !== responses.length) return countMismatch();
    const callNames = answered.map((part) => readField(part, 'functionCall').name);
    const responseNames = responses.map((part) => readField(part, 'functionResponse').name);
    if (callNames.some((name, position) => name !== responseNames[position])) {
      // Not a recorded message: the live API's wording for a name/order mismatch is unknown.
      return invalidArgument(
        `Please ensure that the function response parts have the same names and order as the function call parts of the function call turn (expected ${callNames.join(', ')}; got ${responseNames.join(', ')}).`,
      );
    }
  }
  return undefined;
}

function countMismatch(): GeminiRejection {
  return invalidArgument('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
}

/** Index of the first content of the current turn (the last user content with a text part). */
export function currentTurnStart(contents: unknown[]): number {
  for (let index = contents.length - 1; index >= 0; index -= 1) {
    const content = contents[index];
    if (roleOf(content) === 'user' && partsOf(content).some((part) => typeof part.text === 'string')) return index;
  }
  return 0;
}

/**
 * "position N" is reported 1-based over `contents` (the first replayed call turn of
 * [user, model] is position 2, as in every recorded report of this error).
 */
export function validateThoughtSignatures(contents: unknown[], isIssued: (signature: string) => boolean): GeminiRejection | undefined {
  for (let index = currentTurnStart(contents); index < contents.length; index += 1) {
    const content = contents[index];
    if (roleOf(content) !== 'model') continue;
    const [firstCall] = callsOf(content);
    if (firstCall && readField(firstCall, 'thoughtSignature') === undefined) {
      const name = readField(firstCall, 'functionCall').name;
      return invalidArgument(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
    for (const part of partsOf(content)) {
      const signature = readField(part, 'thoughtSignature');
      if (signature === undefined || dummyThoughtSignatures.includes(signature) || isIssued(signature)) continue;
      return invalidArgument('Corrupted thought signature.');
    }
  }
  return undefined;
}
