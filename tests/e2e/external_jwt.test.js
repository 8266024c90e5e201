// Tokens of an external identity provider (RS256 and ES256 public keys configured with
// DOCKET_JWT_PUBLIC_KEY_FILES): accepted with the right issuer and audience, refused
// otherwise. Keys and tokens are made here with node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/docket.js';

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

function jwt(alg, privateKey, claims, kid) {
  const header = { alg, typ: 'JWT', ...(kid ? { kid } : {}) };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = alg === 'RS256'
    ? sign('sha256', Buffer.from(input), privateKey)
    : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

test('RS256 and ES256 tokens from a configured identity provider', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'docket-idp-'));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaFile = path.join(dir, 'rsa.pem');
  const ecFile = path.join(dir, 'ec.pem');
  await writeFile(rsaFile, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(ecFile, ec.publicKey.export({ type: 'spki', format: 'pem' }));
  const issuer = 'https://idp.example.com/';
  const server = await startServer({
    env: {
      DOCKET_JWT_PUBLIC_KEY_FILES: `${rsaFile},${ecFile}`,
      DOCKET_JWT_EXTERNAL_ISSUERS: issuer,
      DOCKET_BOOTSTRAP_ADMIN_EMAIL: 'idp-admin@example.com',
      DOCKET_BOOTSTRAP_ADMIN_PASSWORD: 'idp-admin-password',
      DOCKET_PASSWORD_HASH_COST: 'minimal',
    },
  });
  try {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: '1', role: 'admin', iss: issuer, aud: 'docket', iat: now, exp: now + 600 };
    const get = (token) => fetch(`${server.baseUrl}/api/admin/staff`, {
      headers: { authorization: `Bearer ${token}` },
    });
    for (const [alg, key] of [['RS256', rsa.privateKey], ['ES256', ec.privateKey]]) {
      const ok = await get(jwt(alg, key, claims));
      assert.equal(ok.status, 200, `${alg} accepted`);
      assert.equal((await get(jwt(alg, key, { ...claims, iss: 'https://evil.example/' }))).status, 401,
        `${alg} with a foreign issuer`);
      assert.equal((await get(jwt(alg, key, { ...claims, aud: 'another-api' }))).status, 401,
        `${alg} for another audience`);
      assert.equal((await get(jwt(alg, key, { ...claims, exp: now - 3600, iat: now - 7200 }))).status, 401,
        `${alg} expired`);
    }
    // A key the server does not know.
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.equal((await get(jwt('RS256', stranger.privateKey, claims))).status, 401);
    // Algorithm confusion: the RSA public key used as an HMAC secret.
    const { createHmac } = await import('node:crypto');
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const mac = createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' }))
      .update(input).digest('base64url');
    assert.equal((await get(`${input}.${mac}`)).status, 401);
  } finally {
    await server.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
