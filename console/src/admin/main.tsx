// The admin dashboard: one page, a section per hash (#/analytics, #/journeys, …), each
// shown to staff holding its permission.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '../console/console.css';
import { authedApi, loadAuth, saveAuth, type Auth } from '../console/auth';
import { Login } from '../console/Login';
import { Analytics } from './Analytics';
import { JourneyEditor } from './JourneyEditor';
import { Agents, Audit, ReadModels, Sla, Staff } from './Sections';

const CATALOGUE = [
  'SupportInquiries_READ',
  'SupportInquiries_UPDATE',
  'SupportRequests_READ',
  'SupportRequests_UPDATE',
  'Feedback_READ',
  'Feedback_UPDATE',
  'Audit_READ',
  'Staff_MANAGE',
  'Operations_MANAGE',
  'Agents_MANAGE',
  'Analytics_READ',
  'Data_EXPORT',
];

const SECTIONS = [
  { hash: 'analytics', label: 'Analytics', permission: 'Analytics_READ' },
  { hash: 'agents', label: 'Agents', permission: 'Agents_MANAGE' },
  { hash: 'sla', label: 'SLA', permission: 'Operations_MANAGE' },
  { hash: 'journeys', label: 'Journeys', permission: 'Operations_MANAGE' },
  { hash: 'staff', label: 'Staff', permission: 'Staff_MANAGE' },
  { hash: 'audit', label: 'Audit log', permission: 'Audit_READ' },
  { hash: 'read-models', label: 'Read models', permission: 'Operations_MANAGE' },
] as const;

function App() {
  const [auth, setAuth] = useState<Auth | null>(() => loadAuth());
  const [hash, setHash] = useState(location.hash.replace(/^#\/?/, ''));
  useEffect(() => {
    const on = () => setHash(location.hash.replace(/^#\/?/, ''));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const logout = () => {
    saveAuth(null);
    setAuth(null);
  };
  const api = useMemo(() => (auth ? authedApi(auth, logout) : null), [auth]);
  if (!auth || !api) return <Login title="Docket · Admin" onLogin={setAuth} />;

  const held = new Set(auth.account.permissions ?? []);
  const allowed = SECTIONS.filter((s) => held.has(s.permission));
  const current = allowed.find((s) => s.hash === hash) ?? allowed[0];
  return (
    <div class="admin-page">
      <header class="topbar">
        <h1>Docket · Admin</h1>
        <a href="/agent">Inbox</a>
        <span class="me">{auth.account.name}</span>
        <button type="button" onClick={logout}>
          Sign out
        </button>
      </header>
      <div class="admin-body">
        <nav aria-label="Sections">
          <ul>
            {allowed.map((s) => (
              <li>
                <a href={`#/${s.hash}`} aria-current={s === current ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main>
          {!current && <p>Your account holds no admin permission.</p>}
          {current?.hash === 'analytics' && <Analytics api={api} />}
          {current?.hash === 'agents' && <Agents api={api} />}
          {current?.hash === 'sla' && <Sla api={api} />}
          {current?.hash === 'journeys' && <JourneyEditor api={api} />}
          {current?.hash === 'staff' && <Staff api={api} catalogue={CATALOGUE} />}
          {current?.hash === 'audit' && <Audit api={api} />}
          {current?.hash === 'read-models' && <ReadModels api={api} />}
        </main>
      </div>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
