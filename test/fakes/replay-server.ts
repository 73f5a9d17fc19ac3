// Serves recorded fixture bodies byte-for-byte over real HTTP, one file per request in order,
// so decoder tests exercise the same socket/chunking path as production code.
import { readFile } from 'node:fs/promises';
import { startFakeServer, writeJson } from './fake-http.ts';
import type { RecordedRequest } from './scenario.ts';

export type ReplayFile = {
  /** HTTP status (default 200). */
  status?: number;
  /** Content-Type (default text/event-stream for .sse/.jsonl files, else application/json). */
  contentType?: string;
  /** Path or file URL of the recorded body. */
  bodyPath: string | URL;
  /** Extra response headers (e.g. retry-after, request-id). */
  headers?: Record<string, string>;
  /** Write the body in pieces of this many bytes to exercise frames split across reads. */
  chunkSize?: number;
};

export type ReplayServer = {
  /** Origin such as http://127.0.0.1:PORT; any path is accepted. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

export async function startReplayServer(files: ReplayFile[]): Promise<ReplayServer> {
  // Read everything up front so a wrong path fails the test at start, not mid-request.
  const bodies = await Promise.all(files.map((file) => readFile(file.bodyPath)));
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = await startFakeServer(async (_request, response) => {
    const index = next++;
    const file = files[index];
    const body = bodies[index];
    if (!file || !body) {
      return writeJson(response, 500, { error: { message: `replay server: no recorded body left for request #${index + 1}` } });
    }
    const path = String(file.bodyPath);
    const streamed = path.endsWith('.sse') || path.endsWith('.jsonl') || path.endsWith('.txt');
    response.writeHead(file.status ?? 200, {
      'content-type': file.contentType ?? (streamed ? 'text/event-stream' : 'application/json'),
      'content-length': String(body.length),
      ...file.headers,
    });
    const chunkSize = file.chunkSize ?? body.length;
    for (let offset = 0; offset < body.length; offset += Math.max(1, chunkSize)) {
      response.write(body.subarray(offset, offset + Math.max(1, chunkSize)));
      // Yield between pieces so they leave as separate TCP writes.
      if (chunkSize < body.length) await new Promise((resolve) => setImmediate(resolve));
    }
    response.end();
  }, requests);
  return { url: server.origin, requests, close: server.close };
}
