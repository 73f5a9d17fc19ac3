// Shared by the cloud front emulators (Bedrock, Vertex): hand a rewritten request to the model
// emulator behind them (Anthropic, Gemini) and read its answer, so the model logic and its
// validators are those of the direct APIs.
export type InnerAnswer = { status: number; headers: Headers; body: ReadableStream<Uint8Array> | null };

export async function forwardToEmulator(url: string, headers: Record<string, string>, body: unknown): Promise<InnerAnswer> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: answer.status, headers: answer.headers, body: answer.body };
}

/** SSE frames of an inner answer, one `{ event, data }` per frame, as they arrive. */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event?: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.search(/\r?\n\r?\n/);
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const event = /^event: ?(.*)$/m.exec(frame)?.[1];
      const data = frame
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data.length > 0) yield { ...(event ? { event } : {}), data };
      end = buffer.search(/\r?\n\r?\n/);
    }
  }
}
