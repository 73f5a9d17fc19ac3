import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Offers the better-sqlite3 addon already compiled in this checkout's node_modules as a
 * "local prebuild" (prebuild-install's own mechanism: `npm_config_better_sqlite3_local_prebuilds`),
 * so a test install of the tarball does not spend a minute compiling SQLite with node-gyp.
 * Returns the environment that points an `npm install` / `npm ci` at it. The compile (or the
 * download of the published prebuild) is then not exercised by the test: the README says so.
 */
export function localPrebuildEnv(dir: string): Record<string, string> {
  const packageJson = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
  const root = dirname(packageJson);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  // prebuild-install's default name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz (glibc: no libc part).
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['czf', join(dir, name), '-C', root, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}
