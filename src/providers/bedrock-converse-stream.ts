import { converseEvent } from '../dialects/bedrock-converse/index.ts';
import type { AwsStreamMessage } from './aws-event-stream.ts';
import { bedrockErrorMessage } from './bedrock-error.ts';

const exceptionNames: Record<string, string> = {
  throttlingexception: 'throttlingException',
  validationexception: 'validationException',
  modelstreamerrorexception: 'modelStreamErrorException',
  serviceunavailableexception: 'serviceUnavailableException',
  internalserverexception: 'internalServerException',
};

/**
 * ConverseStream: an event-stream message (`:event-type` messageStart, contentBlockDelta…, its
 * JSON payload; or an exception) as one SSE event holding the ConverseStream output member,
 * `{"contentBlockDelta":{…}}`, which the bedrock-converse stream decoder reads. The padding
 * field `p` Bedrock adds to payloads is dropped.
 */
export function converseToSse(message: AwsStreamMessage): string {
  if (message.messageType === 'event') {
    if (message.type === '') return '';
    const payload = typeof message.payload === 'object' && message.payload !== null ? { ...(message.payload as Record<string, unknown>) } : {};
    delete payload.p;
    return converseEvent(message.type, payload);
  }
  const text = typeof message.payload === 'string' ? message.payload : (bedrockErrorMessage(message.payload) ?? message.type);
  const name = exceptionNames[message.type.toLowerCase()] ?? 'internalServerException';
  return converseEvent(name, { message: text });
}
