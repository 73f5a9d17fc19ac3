import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// The boundaries of docs/architecture.md ("Layers"), checked on every import of every source file.
const root = new URL('../../src/', import.meta.url).pathname;
// Unit tests (the only test files under src/, excluded from the build) are not part of any layer.
const testOnly = /\.test\.ts$/;
const sources = readdirSync(root, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts') && !testOnly.test(file));

/** Bottom to top: a layer may import itself and the layers before it, never one after it. */
export const layers = [
  'core',
  'dialects',
  'providers',
  'config',
  'upstream',
  'store',
  'policy',
  'observability',
  'routing',
  'pipeline',
  'http',
  'app.ts',
  'cli',
  'main.ts',
];

interface Import {
  file: string;
  target: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
    const specifier = match[1]!;
    const target = specifier.startsWith('.') ? normalize(relative(root, join(root, dirname(file), specifier))) : specifier;
    found.push({ file, target });
  }
  return found;
}

const all = sources.flatMap(importsOf);
const local = (entry: Import) => entry.target.startsWith('.') || (/^[a-z-]+(\/|\.ts$)/.test(entry.target) && layers.includes(entry.target.split('/')[0]!));
const layerOf = (path: string) => path.split('/')[0]!;

/** Imports that point up the layer order (or at a folder that is in no layer). */
export function upwardImports(entries: Import[]): string[] {
  return entries
    .filter((entry) => local(entry))
    .filter((entry) => {
      const from = layers.indexOf(layerOf(entry.file));
      const to = layers.indexOf(layerOf(entry.target));
      return from === -1 || to === -1 || to > from;
    })
    .map((entry) => `${entry.file} → ${entry.target}`);
}

const violations = (rule: (entry: Import) => boolean) => all.filter(rule).map((entry) => `${entry.file} → ${entry.target}`);

test('every folder of src/ is in the layer order', () => {
  const topLevel = [...new Set(sources.map(layerOf))].sort();
  assert.deepEqual(
    topLevel.filter((name) => !layers.includes(name)),
    [],
  );
});

test('every layer imports only itself and the layers below it', () => {
  assert.deepEqual(upwardImports(all), []);
});

test('the layer rule fails on an import from a layer above (so it can fail)', () => {
  assert.deepEqual(upwardImports([{ file: 'store/x.ts', target: 'policy/y.ts' }]), ['store/x.ts → policy/y.ts']);
  assert.deepEqual(upwardImports([{ file: 'core/x.ts', target: 'dialects/registry.ts' }]), ['core/x.ts → dialects/registry.ts']);
  assert.deepEqual(
    upwardImports([
      { file: 'http/x.ts', target: 'pipeline/y.ts' },
      { file: 'pipeline/y.ts', target: 'core/z.ts' },
    ]),
    [],
  );
});

test('dialects import only core/, dialects/shared/ and their own folder (and openai-chat the OpenAI error table, decision in architecture.md)', () => {
  const allowed = (entry: Import) => {
    const dialect = entry.file.split('/')[1];
    if (!local(entry)) return true; // packages and node: builtins
    if (entry.target.startsWith('core/') || entry.target.startsWith('dialects/shared/')) return true;
    if (entry.target.startsWith(`dialects/${dialect}/`)) return true;
    if (entry.file === 'dialects/registry.ts') return /^dialects\/[^/]+\/index\.ts$/.test(entry.target);
    return dialect === 'openai-chat' && entry.target === 'dialects/openai-responses/errors.ts';
  };
  assert.deepEqual(
    violations((entry) => entry.file.startsWith('dialects/') && !allowed(entry)),
    [],
  );
});

test('outside dialects/, a dialect is reached only through its index.ts or the registry', () => {
  const throughIndex = (target: string) => /^dialects\/[^/]+\/index\.ts$/.test(target) || target === 'dialects/registry.ts';
  assert.deepEqual(
    violations((entry) => !entry.file.startsWith('dialects/') && entry.target.startsWith('dialects/') && !throughIndex(entry.target)),
    [],
  );
});

test('the SQLite driver is imported only under store/sqlite/', () => {
  assert.deepEqual(
    violations((entry) => entry.target === 'better-sqlite3' && !entry.file.startsWith('store/sqlite/')),
    [],
  );
});

test('the Redis client is imported only under store/redis/', () => {
  assert.deepEqual(
    violations((entry) => entry.target === 'ioredis' && !entry.file.startsWith('store/redis/')),
    [],
  );
});

test('the Postgres driver is imported only under store/postgres/', () => {
  assert.deepEqual(
    violations((entry) => entry.target === 'pg' && !entry.file.startsWith('store/postgres/')),
    [],
  );
});

test('store/ imports nothing from policy/ (policy depends on store, not the other way round)', () => {
  assert.deepEqual(
    violations((entry) => entry.file.startsWith('store/') && entry.target.startsWith('policy/')),
    [],
  );
});

test('the HTTP client (undici) is used only by upstream/, the CLI, doctor and the budget webhook', () => {
  const allowedFiles = ['cli/doctor.ts', 'policy/budget/budget-webhook.ts'];
  assert.deepEqual(
    violations((entry) => entry.target === 'undici' && !entry.file.startsWith('upstream/') && !allowedFiles.includes(entry.file)),
    [],
  );
});

test('the rules check real imports (so they can fail)', () => {
  assert.ok(all.some((entry) => entry.file === 'pipeline/handle-model-request.ts' && entry.target === 'dialects/registry.ts'));
  assert.ok(all.some((entry) => entry.target === 'better-sqlite3'));
  assert.ok(all.some((entry) => entry.target === 'ioredis'));
  assert.ok(all.some((entry) => entry.target === 'pg'));
  assert.ok(all.some((entry) => entry.file.startsWith('http/') && entry.target.startsWith('pipeline/')));
});
