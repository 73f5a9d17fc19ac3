// Deterministic embedding vectors for the emulators: the same text always gets the same unit
// vector, different texts different ones, so a test can check that each input's vector came
// back in its place. Standalone: no imports from src/.
import { createHash } from 'node:crypto';

export function fakeEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let block = 0;
  while (values.length < dimensions) {
    const digest = createHash('sha256').update(`${block++}:${text}`).digest();
    for (let offset = 0; offset + 2 <= digest.length && values.length < dimensions; offset += 2) values.push(digest.readInt16BE(offset) / 32768);
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  // float32-representable, as every API sends them
  return values.map((value) => Math.fround(value / norm));
}

export function fakeTokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
