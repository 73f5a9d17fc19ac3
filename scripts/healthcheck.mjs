// The container's HEALTHCHECK (Node, not curl: node:20-slim has no curl). Exit 0 when
// GET /health answers 200 within 2 s. HEALTHCHECK_URL overrides the address (the test uses it).
const url = process.env.HEALTHCHECK_URL ?? 'http://127.0.0.1:4141/health';
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
