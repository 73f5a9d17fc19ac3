/** What the semantic cache needs of an embeddings model: one vector per text. */
export interface EmbeddingsPort {
  embed(text: string, signal: AbortSignal): Promise<number[]>;
}
