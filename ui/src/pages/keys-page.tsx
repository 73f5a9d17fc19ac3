import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { time, usd } from '../format.ts';
import { blankKeyForm as blank, keyBodyOf as bodyOf, keyFormOf as formOf, type KeyForm } from '../key-form.ts';
import type { KeyView } from '../types.ts';

/** Create (the secret is shown once), edit and revoke keys; config keys are read-only. */
export function KeysPage() {
  const [keys, setKeys] = useState<KeyView[] | null>(null);
  const [form, setForm] = useState<KeyForm>(blank);
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState('');
  const reload = () =>
    api<{ data: KeyView[] }>('keys').then(
      ({ data }) => setKeys(data),
      (failure: Error) => setError(failure.message),
    );
  useEffect(() => void reload(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      if (editing) {
        await api(`keys/${encodeURIComponent(editing)}`, { method: 'PATCH', body: bodyOf(form, true) });
        setEditing(null);
      } else {
        const created = await api<{ name: string; key: string }>('keys', { method: 'POST', body: bodyOf(form, false) });
        setSecret({ name: created.name, key: created.key });
      }
      setForm(blank);
      await reload();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const revoke = async (name: string) => {
    if (!confirm(`Revoke the key "${name}"? Requests with it are refused at once.`)) return;
    try {
      await api(`keys/${encodeURIComponent(name)}`, { method: 'DELETE' });
      await reload();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const input = (name: keyof KeyForm, label: string, placeholder = '', disabled = false) => (
    <label>
      {label}
      <input
        name={name}
        value={form[name]}
        placeholder={placeholder}
        disabled={disabled}
        onInput={(event) => setForm({ ...form, [name]: event.currentTarget.value })}
      />
    </label>
  );
  return (
    <section>
      <header class="page-header">
        <h1>Keys</h1>
      </header>
      {secret && (
        <div class="secret" data-testid="new-secret" role="status">
          <p>
            The secret of <strong>{secret.name}</strong>, shown this once (the gateway keeps only its hash):
          </p>
          <code data-testid="secret-value">{secret.key}</code>
          <button type="button" class="link" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form class="key-form" onSubmit={submit} data-testid="key-form">
        <h2>{editing ? `Edit ${editing}` : 'Create a key'}</h2>
        {input('name', 'Name', 'generated when empty', editing !== null)}
        {input('team', 'Team')}
        {input('user', 'User')}
        {input('models', 'Allowed models', 'comma-separated; empty = all')}
        {input('budgetUsd', 'Budget (USD)', 'empty = none')}
        <label>
          Window
          <select name="budgetWindow" value={form.budgetWindow} onChange={(event) => setForm({ ...form, budgetWindow: event.currentTarget.value })}>
            {['day', 'week', 'month', 'total'].map((window) => (
              <option key={window} value={window}>
                {window}
              </option>
            ))}
          </select>
        </label>
        <label>
          Mode
          <select name="budgetMode" value={form.budgetMode} onChange={(event) => setForm({ ...form, budgetMode: event.currentTarget.value })}>
            <option value="hard">hard (refuse)</option>
            <option value="soft">soft (warn)</option>
          </select>
        </label>
        {input('rpm', 'Requests / min')}
        {input('tpm', 'Tokens / min')}
        <button type="submit">{editing ? 'Save' : 'Create key'}</button>
        {editing && (
          <button
            type="button"
            class="link"
            onClick={() => {
              setEditing(null);
              setForm(blank);
            }}
          >
            Cancel
          </button>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <table data-testid="key-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Team / user</th>
            <th>Models</th>
            <th>Budget</th>
            <th>Limits</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(keys ?? []).map((key) => (
            <tr key={key.name} data-key={key.name} class={key.status === 'revoked' ? 'revoked' : ''}>
              <td>
                {key.name}
                {key.prefix ? <small> {key.prefix}…</small> : null}
              </td>
              <td data-testid="key-status">{key.status}</td>
              <td>
                {key.team ?? '—'} / {key.user ?? '—'}
              </td>
              <td>{key.models_allowed ? key.models_allowed.join(', ') : 'all'}</td>
              <td>{key.budget ? `${usd(key.budget.limit_usd)} / ${key.budget.window} (${key.budget.mode})` : '—'}</td>
              <td>
                {key.rate_limit
                  ? Object.entries(key.rate_limit)
                      .map(([name, value]) => `${name} ${value}`)
                      .join(', ')
                  : '—'}
              </td>
              <td>{time(typeof key.created_at === 'string' ? key.created_at : null)}</td>
              <td>
                {key.source === 'config' ? (
                  <small class="note">in the config file: change it there and reload</small>
                ) : key.status === 'revoked' ? null : (
                  <>
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setEditing(key.name);
                        setForm(formOf(key));
                      }}
                    >
                      Edit
                    </button>
                    <button type="button" class="danger" onClick={() => revoke(key.name)}>
                      Revoke
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
