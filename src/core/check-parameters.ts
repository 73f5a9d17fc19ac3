import { invalidRequest } from './errors.ts';
import type { RequestBody } from './request-body.ts';
import { scanTopLevelMembers } from './scan-top-level-members.ts';

/** One request parameter a surface defines: its JSON type and range. */
export interface ParameterRule {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  /** `null` means "the default" (OpenAI's schemas allow it on most parameters). */
  readonly nullable?: boolean;
  /** The top-level object the parameter lives in (Gemini's `generationConfig`); top level when absent. */
  readonly parent?: string;
}

/** Validates a body against a surface's parameter rules; throws 400 `caller_invalid_request` with `param`. */
export type ParameterCheck = (body: RequestBody) => void;

/**
 * Builds the check for one surface. A body that has not been parsed yet (the passthrough) is
 * not parsed for it: its top-level members are located in one pass over the bytes and only
 * the values of the members the rules name are parsed. When that pass cannot vouch for the
 * layout (an escaped or duplicate key, malformed bytes) the whole body is parsed and decided
 * exactly, so the shortcut can only save work, never change the answer.
 */
export function parameterCheck(rules: readonly ParameterRule[]): ParameterCheck {
  const names = [...new Set(rules.map((rule) => rule.parent ?? rule.name))];
  return (body) => {
    if (!body.isParsed()) {
      const picked = pickMembers(body.raw, names);
      if (picked) return checkParsed(picked, rules);
    }
    checkParsed(body.fields(), rules);
  };
}

/** The named top-level members, each parsed from its own bytes; undefined when that cannot be trusted. */
function pickMembers(raw: Buffer, names: readonly string[]): Record<string, unknown> | undefined {
  const members = scanTopLevelMembers(raw);
  if (!members) return undefined;
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    const span = members.get(name);
    if (!span) continue;
    try {
      picked[name] = JSON.parse(raw.toString('utf8', span.start, span.end));
    } catch {
      return undefined;
    }
  }
  return picked;
}

function checkParsed(fields: Record<string, unknown>, rules: readonly ParameterRule[]): void {
  for (const rule of rules) {
    let container: Record<string, unknown> = fields;
    if (rule.parent !== undefined) {
      const parent = fields[rule.parent];
      if (parent === undefined || parent === null) continue;
      if (typeof parent !== 'object' || Array.isArray(parent)) throw invalidRequest(`Invalid '${rule.parent}': expected an object.`, rule.parent);
      container = parent as Record<string, unknown>;
    }
    if (!(rule.name in container)) continue;
    const value = container[rule.name];
    const message = problem(rule, value);
    if (message === undefined) continue;
    const param = rule.parent === undefined ? rule.name : `${rule.parent}.${rule.name}`;
    throw invalidRequest(`Invalid '${param}': ${message}, got ${describe(value)}.`, param);
  }
}

/** Why `value` breaks `rule`, or undefined when it is fine. */
function problem(rule: ParameterRule, value: unknown): string | undefined {
  if (value === null) return rule.nullable ? undefined : `expected ${expected(rule)}`;
  if (rule.type === 'boolean') return typeof value === 'boolean' ? undefined : 'expected a boolean';
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.type === 'integer' && !Number.isInteger(value))) return `expected ${expected(rule)}`;
  if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) return `expected ${expected(rule)}`;
  return undefined;
}

function expected(rule: ParameterRule): string {
  const kind = rule.type === 'boolean' ? 'a boolean' : rule.type === 'integer' ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  if (rule.max !== undefined) return `${kind} <= ${rule.max}`;
  return kind;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
