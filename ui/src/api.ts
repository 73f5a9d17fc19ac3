// The dashboard's one way to talk to the gateway: same-origin JSON under /ui/api, the session
// cookie sent by the browser, the CSRF token on every state-changing call.

export interface Session {
  role: 'admin' | 'viewer';
  user: string;
  csrf_token: string;
  expires_at: string;
  oidc: boolean;
  /** The configured attribute names (attribution.headers): spend groups by them too. */
  attributes?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/ui/api/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : {};
  if (!response.ok) {
    const error = (body as { error?: { message?: string; code?: string } }).error;
    throw new ApiError(response.status, error?.message ?? `HTTP ${response.status}`, error?.code ?? null);
  }
  return body as T;
}

/** The query string of the filters that are set. */
export function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
