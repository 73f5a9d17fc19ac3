import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = new URL('../../../', import.meta.url).pathname;

/**
 * Builds the dashboard (`vite build`, what `npm run build` runs) when dist/ui/ is missing or older
 * than any file under ui/, so the browser tests always drive the current sources.
 */
export function ensureUiBuild(): string {
  const index = join(repoRoot, 'dist', 'ui', 'index.html');
  let built = 0;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = readdirSync(join(repoRoot, 'ui'), { recursive: true })
    .map((entry) => join(repoRoot, 'ui', String(entry)))
    .map((file) => statSync(file).mtimeMs);
  if (built === 0 || Math.max(...sources) > built) {
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(repoRoot, 'ui/vite.config.ts'), '--logLevel', 'error'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  }
  return join(repoRoot, 'dist', 'ui');
}
