#!/usr/bin/env node
// Node 20's test runner does not expand globs, so this finds every *.test.ts under src/,
// test/, bench/ and ui/ and hands them to `node --test` (with tsx for TypeScript). Arguments
// narrow the run to paths containing any of them: `npm test -- governance sdk-matrix`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const roots = ['src', 'test', 'bench', 'ui'];
const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true }).map((entry) => join(root, String(entry))))
  .filter((file) => file.endsWith('.test.ts') && !file.includes('node_modules'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ') || '(all)'}`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=240000', ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
