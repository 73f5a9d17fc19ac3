import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The dashboard, built into the package at dist/ui/ and served by the gateway at /ui/ (docs/decisions/0010).
// No inline script and no external URL: the gateway's CSP is `default-src 'self'` and users run air-gapped.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
