// Validates a generateContent / streamGenerateContent / countTokens body in the order the API
// does: proto-JSON parsing (all violations at once), proto constraints ("* GenerateContentRequest
// .<path>: …"), then roles, thinkingConfig, function-turn pairing and thought signatures.
import { isPlainObject } from './fake-http.ts';
import { invalidArgument, payloadRejection, protoRejection, type GeminiRejection } from './gemini-error.ts';
import { gatewayShapeProblems } from './gemini-gateway-shape.ts';
import { countTokensRequestSpec, generateContentRequestSpec, parseGeminiPayload, partDataFields, readField, toCamel } from './gemini-payload-parser.ts';
import { readThinkingConfig, validateThinkingConfig, modelGeneration } from './gemini-thinking.ts';
import { asList, validateFunctionTurns, validateRoles, validateThoughtSignatures } from './gemini-turn-validator.ts';

export type GeminiValidationContext = {
  endpoint: 'generateContent' | 'countTokens';
  model: string;
  isIssuedSignature(signature: string): boolean;
  /** Also check the shape the gateway's encoder promises (`gemini-gateway-shape.ts`); codec tests set it. */
  gatewayShape?: boolean;
};

/** The context codec unit tests validate an encoded body with: the target model decides signatures and thinking fields. */
export function encodedRequestContext(model = 'gemini-3-pro-preview'): GeminiValidationContext {
  return { endpoint: 'generateContent', model, isIssuedSignature: () => true, gatewayShape: true };
}

const functionNamePattern = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const invalidFunctionName =
  'Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.';

export function validateGeminiRequest(body: unknown, context: GeminiValidationContext): GeminiRejection | undefined {
  if (!isPlainObject(body)) return payloadRejection([{ description: 'Invalid JSON payload received. Root element must be a message.' }]);
  const spec = context.endpoint === 'countTokens' ? countTokensRequestSpec : generateContentRequestSpec;
  const violations = parseGeminiPayload(body, spec);
  if (violations.length > 0) return payloadRejection(violations);

  // countTokens takes either bare `contents` or a whole `generateContentRequest`.
  const nested = context.endpoint === 'countTokens' ? readField(body, 'generateContentRequest') : undefined;
  const request: Record<string, any> = isPlainObject(nested) ? nested : body;
  const requestName = context.endpoint === 'countTokens' && !nested ? 'CountTokensRequest' : 'GenerateContentRequest';
  const constraintViolations = [...contentConstraints(request), ...toolConstraints(request)];
  if (constraintViolations.length > 0) return protoRejection(requestName, constraintViolations);

  const contents = asList(request.contents);
  const thinking = readThinkingConfig(request);
  return (
    validateRoles(contents) ??
    validateThinkingConfig(context.model, thinking) ??
    validateFunctionTurns(contents) ??
    (context.endpoint === 'generateContent' && modelGeneration(context.model) >= 3
      ? validateThoughtSignatures(contents, context.isIssuedSignature)
      : undefined) ??
    (context.gatewayShape ? validateGatewayShape(request, context.model) : undefined)
  );
}

function validateGatewayShape(request: Record<string, any>, model: string): GeminiRejection | undefined {
  const current = modelGeneration(model) >= 3;
  const [problem] = gatewayShapeProblems(request, { signatures: current, thinking: current ? 'level' : 'budget' });
  return problem === undefined ? undefined : invalidArgument(`gateway shape: ${problem}`);
}

type Constraint = { path: string; reason: string };

function contentConstraints(request: Record<string, any>): Constraint[] {
  const contents = asList(request.contents);
  if (contents.length === 0) return [{ path: 'contents', reason: 'contents is not specified' }];
  const found: Constraint[] = [];
  contents.forEach((content, contentIndex) => {
    const parts = asList(content.parts);
    const path = `contents[${contentIndex}]`;
    if (parts.length === 0) found.push({ path: `${path}.parts`, reason: 'contents.parts must not be empty.' });
    parts.forEach((part, partIndex) => {
      const partPath = `${path}.parts[${partIndex}]`;
      const dataFields = Object.keys(part)
        .map(toCamel)
        .filter((key) => (partDataFields as readonly string[]).includes(key));
      if (dataFields.length === 0) found.push({ path: `${partPath}.data`, reason: "required oneof field 'data' must have one initialized field" });
      for (const [field, wire] of [
        ['functionCall', 'function_call'],
        ['functionResponse', 'function_response'],
      ] as const) {
        const value = readField(part, field);
        if (value !== undefined && (typeof value.name !== 'string' || value.name === '')) {
          found.push({ path: `${partPath}.${wire}.name`, reason: 'Name cannot be empty.' });
        }
      }
    });
  });
  return found;
}

function toolConstraints(request: Record<string, any>): Constraint[] {
  const found: Constraint[] = [];
  asList(request.tools).forEach((tool, toolIndex) => {
    asList(readField(tool, 'functionDeclarations')).forEach((declaration, index) => {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (typeof declaration.name !== 'string' || !functionNamePattern.test(declaration.name)) {
        found.push({ path: `${path}.name`, reason: invalidFunctionName });
      }
      const parameters = readField(declaration, 'parameters');
      if (parameters !== undefined && readField(declaration, 'parametersJsonSchema') !== undefined) {
        // Not a recorded message; the SDK documents the two fields as mutually exclusive.
        found.push({ path: `${path}.parameters`, reason: 'parameters and parameters_json_schema are mutually exclusive; set only one of them.' });
      }
      if (parameters?.type?.toUpperCase() === 'OBJECT' && Object.keys(parameters.properties ?? {}).length === 0) {
        found.push({ path: `${path}.parameters.properties`, reason: 'should be non-empty for OBJECT type' });
      }
    });
  });
  return found;
}
