import { useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';

/** One password field; Enter signs in (contract §6). Single sign-on when the gateway has ui.oidc. */
export function SignInPage({ oidc, onSignedIn }: { oidc: boolean; onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      onSignedIn(await api<Session>('session', { method: 'POST', body: { master_key: key } }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <div class="sign-in">
      <h1>Switchyard</h1>
      <form onSubmit={submit}>
        <label>
          Master key
          <input
            type="password"
            name="master_key"
            autocomplete="current-password"
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
            autofocus
          />
        </label>
        <button type="submit">Sign in</button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {oidc && (
        <p>
          <a class="button" href="/ui/auth/oidc" data-testid="sso">
            Sign in with single sign-on
          </a>
        </p>
      )}
    </div>
  );
}
