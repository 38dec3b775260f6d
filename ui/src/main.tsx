// The Wharf web console: log in, then one page per kind of object, routed by the URL path.
import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { forget, login, onUnauthorized, storedUser } from './api';
import { Link } from './components/ui';
import { ConnectionsPage } from './pages/connections';
import { ExchangePage, ExchangesPage } from './pages/exchanges';
import { GroupPage, GroupsPage } from './pages/groups';
import { OverviewPage } from './pages/overview';
import { QueuePage } from './pages/queue';
import { QueuesPage } from './pages/queues';
import { TopicPage } from './pages/topic';
import { TopicsPage } from './pages/topics';
import { navigate, segments, useLocation } from './router';
import './styles.css';

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/topics', 'Topics'],
  ['/groups', 'Consumer groups'],
  ['/queues', 'Queues'],
  ['/exchanges', 'Exchanges'],
  ['/connections', 'Connections'],
];

function route(path: string): JSX.Element {
  const s = segments(path);
  const [first, a, b] = s;
  switch (first) {
    case undefined: return <OverviewPage />;
    case 'topics': return a === undefined ? <TopicsPage /> : <TopicPage name={a} />;
    case 'groups': return a === undefined ? <GroupsPage /> : <GroupPage id={a} />;
    case 'queues': return a === undefined || b === undefined ? <QueuesPage /> : <QueuePage vhost={a} name={b} />;
    case 'exchanges': return a === undefined || b === undefined ? <ExchangesPage /> : <ExchangePage vhost={a} name={b} />;
    case 'connections': return <ConnectionsPage />;
    default: return <div class="card"><h1>Not found</h1><p>The console has no page at {path}. <Link href="/">Go to the overview</Link>.</p></div>;
  }
}

function Login(props: { onLogin: (user: string) => void }): JSX.Element {
  const [user, setUser] = useState('guest');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(user, password);
      props.onLogin(user);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-wrap">
      <form class="card login" onSubmit={(e) => void submit(e)} data-testid="login">
        <h1><span class="logo">⚓</span> Wharf</h1>
        <p class="muted">Log in with a broker user (amqpUsers; guest/guest from this machine only).</p>
        <label class="field"><span>User</span><input name="user" autocomplete="username" value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} required /></label>
        <label class="field"><span>Password</span><input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        <button class="primary" type="submit" disabled={busy}>Log in</button>
        {error !== undefined && <div class="error" role="alert">{error}</div>}
      </form>
    </div>
  );
}

function App(): JSX.Element {
  const [user, setUser] = useState<string | null>(storedUser());
  const path = useLocation();
  useEffect(() => onUnauthorized(() => setUser(null)), []);
  if (user === null) return <Login onLogin={setUser} />;
  const section = `/${segments(path)[0] ?? ''}`;
  return (
    <div class="shell">
      <nav class="side">
        <div class="brand"><span class="logo">⚓</span> Wharf</div>
        {NAV.map(([to, label]) => <Link key={to} href={to} class={section === to ? 'nav active' : 'nav'}>{label}</Link>)}
        <div class="side-end">
          <div class="muted">{user}</div>
          <button type="button" class="link" onClick={() => { forget(); setUser(null); navigate(location.pathname, true); }}>Log out</button>
        </div>
      </nav>
      <main class="content" key={path}>{route(path)}</main>
    </div>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
