// The keys page's form and the admin API body it sends (pure; unit-tested in key-form.test.ts).
import { list } from './format.ts';
import type { KeyView } from './types.ts';

export interface KeyForm {
  name: string;
  team: string;
  user: string;
  models: string;
  budgetUsd: string;
  budgetWindow: string;
  budgetMode: string;
  rpm: string;
  tpm: string;
}

export const blankKeyForm: KeyForm = { name: '', team: '', user: '', models: '', budgetUsd: '', budgetWindow: 'month', budgetMode: 'hard', rpm: '', tpm: '' };

/** The body `POST /admin/keys` (create: empty fields left out) or `PATCH` (edit: empty fields cleared with null) takes. */
export function keyBodyOf(form: KeyForm, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const clear = editing ? null : undefined;
  if (!editing && form.name.trim()) body.name = form.name.trim();
  body.team = form.team.trim() || clear;
  body.user = form.user.trim() || clear;
  body.models_allowed = list(form.models).length > 0 ? list(form.models) : clear;
  body.budget = form.budgetUsd.trim() ? { limit_usd: Number(form.budgetUsd), window: form.budgetWindow, mode: form.budgetMode } : clear;
  const rate: Record<string, number> = {};
  if (form.rpm.trim()) rate.rpm = Number(form.rpm);
  if (form.tpm.trim()) rate.tpm = Number(form.tpm);
  body.rate_limit = Object.keys(rate).length > 0 ? rate : clear;
  for (const name of Object.keys(body)) if (body[name] === undefined) delete body[name];
  return body;
}

/** A stored key's settings back in the form, for editing. */
export function keyFormOf(key: KeyView): KeyForm {
  return {
    name: key.name,
    team: key.team ?? '',
    user: key.user ?? '',
    models: (key.models_allowed ?? []).join(', '),
    budgetUsd: key.budget ? String(key.budget.limit_usd) : '',
    budgetWindow: key.budget?.window ?? 'month',
    budgetMode: key.budget?.mode ?? 'hard',
    rpm: key.rate_limit?.rpm ? String(key.rate_limit.rpm) : '',
    tpm: key.rate_limit?.tpm ? String(key.rate_limit.tpm) : '',
  };
}
