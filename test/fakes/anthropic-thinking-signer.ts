// Issues and verifies the opaque thinking secrets of the Anthropic emulator. A real signature
// is only valid for the thinking text it was issued with; this mirrors that with
// signature = base64(HMAC-SHA256(secret, thinking text)), the secret being private to one
// emulator instance, so a forged, edited or foreign (e.g. gateway-fabricated) block fails.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type ThinkingSigner = {
  signThinking(thinking: string): string;
  verifyThinking(thinking: string, signature: string): boolean;
  /** Opaque `redacted_thinking.data`: a random id plus its MAC. */
  issueRedactedData(): string;
  verifyRedactedData(data: string): boolean;
};

export function createThinkingSigner(): ThinkingSigner {
  const secret = randomBytes(32);
  const mac = (text: string) => createHmac('sha256', secret).update(text, 'utf8').digest();
  const sameBytes = (left: Buffer, right: Buffer) => left.length === right.length && timingSafeEqual(left, right);
  return {
    signThinking: (thinking) => mac(thinking).toString('base64'),
    verifyThinking: (thinking, signature) => typeof signature === 'string' && sameBytes(Buffer.from(signature, 'base64'), mac(thinking)),
    issueRedactedData() {
      const id = randomBytes(24);
      return Buffer.concat([id, mac(`redacted:${id.toString('hex')}`)]).toString('base64');
    },
    verifyRedactedData(data) {
      if (typeof data !== 'string') return false;
      const bytes = Buffer.from(data, 'base64');
      if (bytes.length !== 24 + 32) return false;
      const id = bytes.subarray(0, 24);
      return sameBytes(bytes.subarray(24), mac(`redacted:${id.toString('hex')}`));
    },
  };
}
