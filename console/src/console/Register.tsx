import { useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { login, type Auth } from './auth';

export function Register({ onLogin, onCancel }: { onLogin: (auth: Auth) => void; onCancel: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(null);
    try {
      await new Api({ baseUrl: '', token: () => null }).post('/api/auth/register', { email, password, name: String(form.get('name')) });
      onLogin(await login(email, password));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server cannot be reached');
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="register-title">
        <h1 id="register-title">Create an account</h1>
        <label>
          Name
          <input name="name" required maxLength={100} autoComplete="name" />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password <span class="muted">(at least 8 characters)</span>
          <input name="password" type="password" required minLength={8} autoComplete="new-password" />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Create account
        </button>
        <button type="button" class="link" onClick={onCancel}>
          I have an account
        </button>
      </form>
    </main>
  );
}
