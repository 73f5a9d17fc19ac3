import { GatewayError } from '../core/errors.ts';
import { bedrockErrorShape } from '../dialects/bedrock-converse/index.ts';

export { bedrockErrorMessage, bedrockErrorType } from '../dialects/bedrock-converse/index.ts';

/** A Bedrock error (HTTP answer or stream exception) as a GatewayError; the classification is the Converse dialect's, shared by InvokeModel. */
export function bedrockError(type: string | undefined, message: string | undefined, status?: number): GatewayError {
  return new GatewayError(bedrockErrorShape(type, message, status));
}
