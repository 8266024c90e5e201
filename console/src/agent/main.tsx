import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import '../console/console.css';
import { authedApi, loadAuth, saveAuth, type Auth } from '../console/auth';
import { Login } from '../console/Login';
import { Workspace } from './Workspace';

function App() {
  const [auth, setAuth] = useState<Auth | null>(() => loadAuth());
  const logout = () => {
    saveAuth(null);
    setAuth(null);
  };
  const api = useMemo(() => (auth ? authedApi(auth, logout) : null), [auth]);
  if (!auth || !api) return <Login title="Docket · Agent workspace" onLogin={setAuth} />;
  return <Workspace auth={auth} api={api} onLogout={logout} />;
}

render(<App />, document.getElementById('app')!);
