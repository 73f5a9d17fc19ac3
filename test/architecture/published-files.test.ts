// What `npm pack` publishes: the build of src/ (minus unit tests), bin/ and the package files.
// Test support, fixtures and race workers live under test/, so nothing test-only can ship.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = new URL('../../', import.meta.url).pathname;
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const vite = join(repoRoot, 'node_modules/vite/bin/vite.js');

/** Paths that mark a file as test-only: what must never be in the package. */
export const testOnly = /(^|\/)test(s)?\/|\.test\.|test-support|test-helpers|__fixtures__|fixtures\/|race-worker|emulator/;

/** The source files the build compiles (relative to the repo root). */
function buildInputs(): string[] {
  return execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(repoRoot) && !line.includes('/node_modules/'))
    .map((line) => line.slice(repoRoot.length));
}

test('the build compiles only src/, no test and nothing that imports test code', () => {
  const inputs = buildInputs();
  assert.ok(inputs.includes('src/main.ts'), 'the listing is real');
  assert.deepEqual(
    inputs.filter((file) => !file.startsWith('src/') || testOnly.test(file)),
    [],
  );
  const importsTestCode = inputs.filter((file) => /from\s+'(node:test|node:assert[^']*|[^']*\/test\/[^']*)'/.test(readFileSync(join(repoRoot, file), 'utf8')));
  assert.deepEqual(importsTestCode, [], 'shipped sources import no test runner, assertions or test/ support');
});

test('every test-only file under src/ is a unit test (*.test.ts); support, fixtures and workers are under test/', () => {
  const underSrc = readdirSync(join(repoRoot, 'src'), { recursive: true }).map(String);
  assert.ok(
    underSrc.some((file) => file.endsWith('.test.ts')),
    'unit tests may stay beside their code',
  );
  assert.deepEqual(
    underSrc.filter((file) => !file.endsWith('.test.ts') && testOnly.test(`src/${file}`)),
    [],
  );
});

test('the pattern recognises test-only paths (so the checks above can fail)', () => {
  for (const path of [
    'dist/dialects/gemini/test-support/fixtures.js',
    'dist/dialects/openai-chat/test-support.js',
    'dist/dialects/openai-responses/test-helpers.js',
    'dist/store/sqlite/spend-race-worker.js',
    'dist/dialects/gemini/__fixtures__/text-stream.sse',
    'dist/http/admin/admin-routes.test.js',
    'test/fakes/responses-emulator.ts',
  ])
    assert.ok(testOnly.test(path), path);
  for (const path of ['dist/main.js', 'dist/dialects/gemini/stream-decoder.js', 'dist/policy/budget/budget-guard.js', 'bin/switchyard.js'])
    assert.ok(!testOnly.test(path), path);
});

const packDirectory = mkdtempSync(join(tmpdir(), 'switchyard-files-'));
after(() => rmSync(packDirectory, { recursive: true, force: true }));

test('`npm pack --dry-run` of a fresh build lists the build and bin only, no test support, fixtures or race workers', { timeout: 120_000 }, () => {
  // Build into a scratch copy of the package so the check sees exactly what a publish would.
  for (const file of ['package.json', 'README.md', 'bin']) cpSync(join(repoRoot, file), join(packDirectory, file), { recursive: true });
  execFileSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(packDirectory, 'dist')], { cwd: repoRoot });
  // The dashboard: Vite's build of ui/ (the same command `npm run build` runs), into the copy's dist/ui/.
  execFileSync(
    process.execPath,
    [vite, 'build', '--config', join(repoRoot, 'ui/vite.config.ts'), '--outDir', join(packDirectory, 'dist/ui'), '--logLevel', 'error'],
    {
      cwd: repoRoot,
    },
  );
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packDirectory, encoding: 'utf8' });
  const listed = (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
  assert.ok(listed.includes('dist/main.js') && listed.includes('dist/dialects/registry.js'), 'the build is packed');
  assert.ok(listed.includes('dist/ui/index.html') && listed.some((path) => /^dist\/ui\/assets\/index-[\w-]+\.js$/.test(path)), 'the built dashboard is packed');
  assert.deepEqual(
    listed.filter((path) => path.startsWith('ui/') || /\.tsx$/.test(path)),
    [],
    'no dashboard sources',
  );
  assert.deepEqual(
    listed.filter((path) => testOnly.test(path)),
    [],
  );
  assert.deepEqual(
    listed.filter(
      (path) => !/^(dist\/.+\.(js|json)|dist\/ui\/index\.html|dist\/ui\/assets\/[\w-]+\.(js|css)|bin\/[^/]+\.js|package\.json|README\.md|LICENSE)$/.test(path),
    ),
    [],
    'only compiled JavaScript (and the JSON data it imports), the built dashboard, the bin and the package files',
  );
});
