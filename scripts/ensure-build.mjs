#!/usr/bin/env node
// `npm start` from a checkout runs the compiled code, like an install does: this builds dist/ (and dist/ui/)
// first when it is missing or older than any source file.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir, suffix) => {
  let latest = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = join(dir, String(entry));
    if (String(entry).endsWith(suffix)) latest = Math.max(latest, statSync(file).mtimeMs);
  }
  return latest;
};

let built = 0;
try {
  built = statSync('dist/main.js').mtimeMs;
} catch {
  built = 0;
}
if (built === 0 || newest('src', '.ts') > built || newest('src', '.json') > built) {
  process.stderr.write('building dist/ (npm run build)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

// The dashboard (ui/ → dist/ui/ with Vite), rebuilt the same way when missing or older than its sources.
let builtUi = 0;
try {
  builtUi = statSync('dist/ui/index.html').mtimeMs;
} catch {
  builtUi = 0;
}
if (builtUi === 0 || Math.max(newest('ui/src', ''), statSync('ui/index.html').mtimeMs) > builtUi) {
  process.stderr.write('building dist/ui/ (vite build)…\n');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'ui/vite.config.ts'], { stdio: 'inherit' });
}
