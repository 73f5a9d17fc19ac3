import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { configSchema, keySchema, modelSchema, providerSchema, type ConfigFile } from './schema.ts';
import { buildRuntimeConfig } from './build-runtime-config.ts';
import type { RuntimeConfig } from './runtime-config.ts';

export interface LoadConfigOptions {
  /** `--config` from the command line. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Finds, parses and validates the config: `--config`, then `SWITCHYARD_CONFIG`, then
 * `./switchyard.yaml`, then built-in defaults from provider environment variables.
 * Either the whole config is valid and frozen, or a ConfigError names what is wrong.
 */
export function loadConfig(options: LoadConfigOptions = {}): RuntimeConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? env['SWITCHYARD_CONFIG'];
  let path: string | undefined;
  if (explicit) {
    path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
  } else if (existsSync(resolve(cwd, 'switchyard.yaml'))) {
    path = resolve(cwd, 'switchyard.yaml');
  }
  if (!path) return buildRuntimeConfig(configSchema.parse({}), { env, source: 'defaults (environment)', cwd });
  return parseConfigText(readFileSync(path, 'utf8'), { env, source: path, cwd });
}

export function parseConfigText(text: string, context: { env: NodeJS.ProcessEnv; source: string; cwd: string }): RuntimeConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new ConfigError(`${context.source}: invalid YAML: ${first.message}`);
  }
  const raw = document.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${context.source}: the config must be a mapping at the top level`);
  const interpolated = interpolateEnv(raw, context.env);
  // Inputs are reported only to tell a missing value from a wrong one; they are never printed (one could be a secret).
  const parsed = configSchema.safeParse(interpolated, { reportInput: true });
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new ConfigError(
      `${context.source}: ${issues.slice(0, 8).join('; ')}${issues.length > 8 ? `; and ${issues.length - 8} more` : ''}`,
      undefined,
      issues,
    );
  }
  return buildRuntimeConfig(parsed.data as ConfigFile, { env: context.env, source: context.source, cwd: context.cwd });
}

/** Key names each section accepts, read off the schema so hints never drift from it. */
const knownKeys: Record<string, string[]> = {
  '': Object.keys(configSchema.shape),
  server: Object.keys(configSchema.shape.server.unwrap().shape),
  storage: ['url'],
  coordination: Object.keys(configSchema.shape.coordination.unwrap().shape),
  logging: Object.keys(configSchema.shape.logging.unwrap().shape),
  providers: Object.keys(providerSchema.shape),
  models: [...new Set(modelSchema.options.flatMap((option) => Object.keys(option.shape)))],
  keys: Object.keys(keySchema.shape),
};

/** One line per problem, each naming its path; enum and union errors list the choices. */
function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const where = [...prefix, ...issue.path].map(String);
    const path = where.join('.') || '(root)';
    switch (issue.code) {
      case 'unrecognized_keys': {
        const candidates = knownKeys[where[0] ?? ''] ?? [];
        return issue.keys.map((key) => {
          const suggestion = closest(key, candidates);
          return `unknown key "${[...where, key].join('.')}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
        });
      }
      case 'invalid_value':
        return [`${path}: ${issue.input === undefined ? 'required, one of' : 'expected one of'} ${issue.values.map(String).join(', ')}`];
      case 'invalid_union': {
        // Report the branch the author meant: the one whose keys fit, then the one with fewest problems.
        const branches = issue.errors.filter((branch) => branch.length > 0);
        if (branches.length === 0) return [`${path}: ${issue.message}`];
        const misfit = (branch: readonly z.core.$ZodIssue[]) => (branch.some((inner) => inner.code === 'unrecognized_keys' && inner.path.length === 0) ? 1 : 0);
        const best = [...branches].sort((a, b) => misfit(a) - misfit(b) || a.length - b.length)[0]!;
        return formatIssues(best, [...prefix, ...issue.path]);
      }
      case 'invalid_type':
        return [issue.input === undefined ? `${path}: required (${issue.expected})` : `${path}: ${issue.message}`];
      default:
        return [`${path}: ${issue.message}`];
    }
  });
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
