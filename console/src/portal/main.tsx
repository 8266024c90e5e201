import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import '../console/console.css';
import { authedApi, loadAuth, saveAuth, type Auth } from '../console/auth';
import { Login } from '../console/Login';
import { Register } from '../console/Register';
import { Portal } from './Portal';

function App() {
  const [auth, setAuth] = useState<Auth | null>(() => loadAuth());
  const [registering, setRegistering] = useState(false);
  const logout = () => {
    saveAuth(null);
    setAuth(null);
  };
  const api = useMemo(() => (auth ? authedApi(auth, logout) : null), [auth]);
  if (!auth || !api) {
    return registering ? (
      <Register onLogin={setAuth} onCancel={() => setRegistering(false)} />
    ) : (
      <Login title="Support · Sign in" onLogin={setAuth} extra={<button type="button" class="link" onClick={() => setRegistering(true)}>Create an account</button>} />
    );
  }
  return <Portal auth={auth} api={api} onLogout={logout} />;
}

render(<App />, document.getElementById('app')!);
