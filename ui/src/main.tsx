import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, type Session } from './api.ts';
import { KeysPage } from './pages/keys-page.tsx';
import { LogsPage } from './pages/logs-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { ProvidersPage } from './pages/providers-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { SpendPage } from './pages/spend-page.tsx';
import './style.css';

const pages = [
  { path: '/ui/', title: 'Overview', admin: false },
  { path: '/ui/logs', title: 'Live logs', admin: false },
  { path: '/ui/spend', title: 'Spend & budgets', admin: false },
  { path: '/ui/keys', title: 'Keys', admin: true },
  { path: '/ui/providers', title: 'Providers', admin: false },
] as const;

/** Moves to a dashboard page without a reload. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

function currentPath(): string {
  const path = location.pathname.replace(/\/+$/, '');
  return path === '/ui' || path === '' ? '/ui/' : path;
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [oidc, setOidc] = useState(false);
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onPop = () => setPath(currentPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    fetch('/ui/api/session', { credentials: 'same-origin' })
      .then(async (response) => {
        const body = (await response.json()) as Session & { oidc?: boolean };
        setOidc(Boolean(body.oidc));
        if (!response.ok) return setSession(null);
        setCsrfToken(body.csrf_token);
        setSession(body);
      })
      .catch(() => setSession(null));
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null)
    return (
      <SignInPage
        oidc={oidc}
        onSignedIn={(signed) => {
          setCsrfToken(signed.csrf_token);
          setSession(signed);
        }}
      />
    );
  const page = pages.find((entry) => entry.path === path) ?? pages[0];
  const signOut = async () => {
    await api('session', { method: 'DELETE' }).catch(() => undefined);
    setSession(null);
  };
  return (
    <div class="shell">
      <nav>
        <strong class="brand">Switchyard</strong>
        {pages
          .filter((entry) => !entry.admin || session.role === 'admin')
          .map((entry) => (
            <a
              key={entry.path}
              href={entry.path}
              class={entry.path === page.path ? 'active' : ''}
              onClick={(event) => {
                event.preventDefault();
                navigate(entry.path);
              }}
            >
              {entry.title}
            </a>
          ))}
        <span class="who" data-testid="who">
          {session.user} · {session.role}
        </span>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </nav>
      <main>
        {page.path === '/ui/' && <OverviewPage />}
        {page.path === '/ui/logs' && <LogsPage admin={session.role === 'admin'} />}
        {page.path === '/ui/spend' && <SpendPage attributes={session.attributes ?? []} />}
        {page.path === '/ui/keys' && (session.role === 'admin' ? <KeysPage /> : <p>Keys are for admins.</p>)}
        {page.path === '/ui/providers' && <ProvidersPage />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
