#!/usr/bin/env node
// The compiled gateway (`npm run build` writes dist/; packing and installing from a checkout build it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('switchyard: dist/ is missing; run `npm run build` in the checkout first\n');
  process.exit(1);
}
await import(entry.href);
