// Identity against the real binary: register -> login -> me, the bootstrap admin, staff
// management, and no secret in the server's log output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/docket.js';

async function call(base, method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

test('register -> login -> me, with real Argon2id hashing', async () => {
  const server = await startServer();
  try {
    const base = server.baseUrl;
    const reg = await call(base, 'POST', '/api/auth/register', {
      body: { email: 'Grace@Example.com', password: 'correct horse battery', name: 'Grace' },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.body.success, true);
    assert.equal(reg.body.data.account.email, 'grace@example.com');
    assert.equal(reg.body.data.account.role, 'customer');
    assert.match(reg.headers.get('x-request-id'), /^[0-9a-f]{32}$/);

    const login = await call(base, 'POST', '/api/auth/login', {
      body: { email: 'grace@example.com', password: 'correct horse battery' },
    });
    assert.equal(login.status, 200);
    const token = login.body.data.token;
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    assert.equal(claims.sub, String(reg.body.data.account.id));
    assert.equal(claims.role, 'customer');
    assert.equal(claims.iss, 'docket');
    assert.equal(claims.aud, 'docket');
    assert.equal(claims.exp - claims.iat, 3600);

    const me = await call(base, 'GET', '/api/auth/me', { token });
    assert.equal(me.status, 200);
    assert.deepEqual(
      { id: me.body.data.id, email: me.body.data.email, role: me.body.data.role, permissions: me.body.data.permissions },
      { id: reg.body.data.account.id, email: 'grace@example.com', role: 'customer', permissions: [] });

    const wrong = await call(base, 'POST', '/api/auth/login', {
      body: { email: 'grace@example.com', password: 'not the password' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.errorCode, 'INVALID_CREDENTIALS');
    assert.equal(wrong.body.success, false);
    assert.ok(wrong.body.requestId);

    const anonymous = await call(base, 'GET', '/api/auth/me');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.errorCode, 'UNAUTHORIZED');

    // The token survives a restart (the signing key is kept in the data directory).
    assert.equal((await server.stop()).code, 0);
    const again = await startServer({ dataDir: server.dataDir });
    try {
      const after = await call(again.baseUrl, 'GET', '/api/auth/me', { token });
      assert.equal(after.status, 200);
    } finally {
      await again.stop();
    }
    const output = JSON.stringify(server.logs) + JSON.stringify(again.logs);
    assert.ok(!output.includes('correct horse battery'), 'no password in the log output');
    assert.ok(!output.includes(token), 'no token in the log output');
  } finally {
    await server.cleanup();
  }
});

test('bootstrap admin manages staff; an agent lacks Staff_MANAGE', async () => {
  const server = await startServer({
    env: {
      DOCKET_BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com',
      DOCKET_BOOTSTRAP_ADMIN_PASSWORD: 'boss-password-1',
      DOCKET_PASSWORD_HASH_COST: 'minimal',
    },
  });
  try {
    const base = server.baseUrl;
    const admin = (await call(base, 'POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'boss-password-1' },
    })).body.data.token;
    const created = await call(base, 'POST', '/api/admin/staff', {
      token: admin,
      body: { email: 'agent@example.com', password: 'agent-password', name: 'Agent', role: 'agent' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const list = await call(base, 'GET', '/api/admin/staff?page=1&pageSize=10', { token: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.pagination, { page: 1, pageSize: 10, total: 2, pages: 1 });

    const agent = (await call(base, 'POST', '/api/auth/login', {
      body: { email: 'agent@example.com', password: 'agent-password' },
    })).body.data.token;
    const denied = await call(base, 'GET', '/api/admin/staff', { token: agent });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.details.permission, 'Staff_MANAGE');

    const events = await call(base, 'GET', '/api/admin/events?type=account.staff_created', { token: admin });
    assert.equal(events.status, 200);
    assert.equal(events.body.data.events.length, 2);
    assert.ok(events.body.data.events.every((e) => e.data.passwordHash === '[redacted]'));
    assert.ok(!JSON.stringify(server.logs).includes('boss-password-1'));
  } finally {
    await server.cleanup();
  }
});
