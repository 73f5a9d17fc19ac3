import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// The boundaries of docs/architecture.md, checked on every import of every source file.
const root = new URL('../../src/', import.meta.url).pathname;
const sources = readdirSync(root, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('test-support') && !file.includes('__fixtures__'));

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
const violations = (rule: (entry: Import) => boolean) => all.filter(rule).map((entry) => `${entry.file} → ${entry.target}`);

test('core/ imports nothing else from src/', () => {
  assert.deepEqual(violations((entry) => entry.file.startsWith('core/') && !entry.target.startsWith('core/') && !entry.target.startsWith('node:') && !entry.target.startsWith('.')), []);
});

test('dialects import only core/ and dialects/shared/ (and openai-chat the OpenAI error table, decision in architecture.md)', () => {
  const allowed = (entry: Import) => {
    const dialect = entry.file.split('/')[1];
    if (!entry.target.includes('/') && !entry.target.startsWith('.')) return true; // packages and node: builtins
    if (entry.target.startsWith('node:')) return true;
    if (entry.target.startsWith('core/') || entry.target.startsWith('dialects/shared/')) return true;
    if (entry.target.startsWith(`dialects/${dialect}/`)) return true;
    return dialect === 'openai-chat' && entry.target === 'dialects/openai-responses/errors.ts';
  };
  assert.deepEqual(violations((entry) => entry.file.startsWith('dialects/') && entry.file !== 'dialects/registry.ts' && !allowed(entry)), []);
});

test('the SQLite driver is imported only under store/sqlite/', () => {
  assert.deepEqual(violations((entry) => entry.target === 'better-sqlite3' && !entry.file.startsWith('store/sqlite/')), []);
});

test('store/ imports nothing from policy/ (policy depends on store, not the other way round)', () => {
  assert.deepEqual(violations((entry) => entry.file.startsWith('store/') && entry.target.startsWith('policy/')), []);
});

test('the HTTP client (undici) is used only by upstream/, the CLI, doctor and the budget webhook', () => {
  const allowedFiles = ['upstream/upstream-client.ts', 'cli/doctor.ts', 'policy/budget/budget-webhook.ts'];
  assert.deepEqual(violations((entry) => entry.target === 'undici' && !allowedFiles.includes(entry.file)), []);
});

test('the rule checks real imports (so it can fail)', () => {
  assert.ok(all.some((entry) => entry.file === 'pipeline/handle-model-request.ts' && entry.target === 'dialects/registry.ts'));
  assert.ok(all.some((entry) => entry.target === 'better-sqlite3'));
});
