#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so `switchyard` works straight from a
// checkout or an install without a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
