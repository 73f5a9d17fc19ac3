import { ConfigError } from './config-error.ts';

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of a parsed YAML tree.
 * Done on values, not on the YAML text, so a variable can never inject YAML structure.
 * A variable that is unset and has no default is an error naming the config path.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, [...path, key]);
    return out;
  }
  return value;
}

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: string[]): string {
  return text.replace(reference, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${path.join('.') || '(root)'}: \${${name}} is not set in the environment`, 'set it, or write ${' + name + ':-default}');
  });
}
