#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader so `switchyard` works from a checkout
// without a build step; a published package would point at dist/ instead.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('tsx/esm', pathToFileURL('./'));
await import('../src/main.ts');
