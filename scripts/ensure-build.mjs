#!/usr/bin/env node
// `npm start` from a checkout runs the compiled code, like an install does: this builds dist/
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
