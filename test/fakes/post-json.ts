// Tiny fetch wrapper for emulator tests: POST a body (object or raw text) and get status,
// headers and the parsed JSON (or raw text for SSE).

export type PostResult = { status: number; headers: Headers; text: string; json: any };

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<PostResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
