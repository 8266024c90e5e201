// The signed-in staff member or customer of a console page: the JWT from
// POST /api/auth/login, kept in localStorage until it expires or the user signs out.
import { Api } from '../lib/api';

export interface Account {
  id: number;
  email: string;
  name: string;
  role: 'admin' | 'agent' | 'customer';
  permissions?: string[];
}

export interface Auth {
  token: string;
  expiresAt: string;
  account: Account;
}

const KEY = 'docket.console.auth';

export function loadAuth(): Auth | null {
  try {
    const auth = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Auth | null;
    if (!auth || Date.parse(auth.expiresAt) <= Date.now()) return null;
    return auth;
  } catch {
    return null;
  }
}

export function saveAuth(auth: Auth | null): void {
  if (auth) localStorage.setItem(KEY, JSON.stringify(auth));
  else localStorage.removeItem(KEY);
}

export async function login(email: string, password: string): Promise<Auth> {
  const api = new Api({ baseUrl: '', token: () => null });
  const data = await api.post<{ token: string; expiresAt: string; account: Account }>('/api/auth/login', { email, password });
  const me = await new Api({ baseUrl: '', token: () => data.token }).get<Account>('/api/auth/me');
  const auth = { token: data.token, expiresAt: data.expiresAt, account: me };
  saveAuth(auth);
  return auth;
}

// An Api for `auth` that signs the user out when the server says the token is over.
export function authedApi(auth: Auth, onExpired: () => void): Api {
  return new Api({ baseUrl: '', token: () => auth.token, onUnauthorized: onExpired });
}
