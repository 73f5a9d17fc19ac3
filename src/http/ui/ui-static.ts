import type { ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every dashboard answer's security headers: scripts, styles, images and connections only from
 * the gateway itself (no inline script, nothing from a CDN: the dashboard runs air-gapped), never
 * framed, no referrer.
 */
export const uiSecurityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The built dashboard (`npm run build` runs Vite into `dist/ui/`): beside the compiled code in
 * the package (`dist/http/ui/` → `dist/ui/`), or the checkout's `dist/ui/` when running from the
 * TypeScript sources.
 */
export function uiRoot(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '..', '..', 'ui'), join(here, '..', '..', '..', 'dist', 'ui')];
  return candidates.find((directory) => existsSync(join(directory, 'index.html')));
}

/**
 * Answers a dashboard GET from the built files: `/ui/assets/*` (content-hashed names, cached for
 * a year) or, for any page path, `index.html` (never cached, so a new build is picked up).
 */
export async function serveUiFile(path: string, response: ServerResponse, root = uiRoot()): Promise<void> {
  if (!root) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...uiSecurityHeaders });
    return void response.end('The dashboard is not built. Run `npm run build` in the checkout (it builds dist/ui/), then reload.\n');
  }
  if (path.startsWith('/ui/assets/')) {
    const relative = normalize(decodeSafely(path.slice('/ui/'.length)) ?? '');
    const file = join(root, relative);
    if (!relative.startsWith(`assets${sep}`) || !file.startsWith(root + sep)) return notFound(response);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound(response);
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'public, max-age=31536000, immutable',
      ...uiSecurityHeaders,
    });
    return void response.end(body);
  }
  const body = await readFile(join(root, 'index.html'));
  response.writeHead(200, { 'content-type': contentTypes['.html']!, 'content-length': body.length, 'cache-control': 'no-cache', ...uiSecurityHeaders });
  response.end(body);
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...uiSecurityHeaders });
  response.end('Not found.\n');
}

function decodeSafely(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
