// Test-side SSE reader: splits a text/event-stream body into frames so tests can assert the
// exact event sequence the emulators wrote. Accepts LF and CRLF framing.

export type SseFrame = { event: string | undefined; data: string };

export function readSseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
      else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
    }
    frames.push({ event, data: data.join('\n') });
  }
  return frames;
}

/** Event names with runs of the same name collapsed, so delta counts do not matter. */
export function collapseRuns(names: string[]): string[] {
  return names.filter((name, index) => index === 0 || names[index - 1] !== name);
}
