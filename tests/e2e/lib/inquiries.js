// Shared helpers for the support inquiry e2e tests: HTTP calls that check every inquiry
// answer for leaked hashes, accounts (bootstrap admin, customers, staff), mailboxes
// (the .eml file sink and an aiosmtpd Maildir) and one-time codes read from real mail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { startServer } from './docket.js';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Re-checks `condition` (sync or async) every `intervalMs` until it answers a truthy
// value, and answers that value; fails the test when it still does not hold at the
// deadline. `message` names the condition (a function is called for it at the failure,
// so it can show the state last seen).
export async function waitFor(condition, { timeoutMs = 10000, intervalMs = 50, message = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() >= deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${typeof message === 'function' ? message() : message}`);
    }
    await sleep(intervalMs);
  }
}

// Waits until the wall clock has passed `isoTime` (a timestamp the server answered), so
// that whatever the server stamps next is later.
export async function clockPast(isoTime) {
  const at = Date.parse(isoTime);
  assert.ok(!Number.isNaN(at), `not a timestamp: ${isoTime}`);
  await waitFor(() => Date.now() > at, { intervalMs: 1, message: `the clock to pass ${isoTime}` });
}

export const ADMIN_EMAIL = 'lead@example.com';
export const ADMIN_PASSWORD = 'lead-password-1';

export const TRACKING_CODE = /^INQ-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;
export const GUEST_TOKEN = /^si_[A-Za-z0-9_-]{43}$/;

export const INQUIRY_FIELDS = ['id', 'trackingCode', 'subject', 'category', 'status', 'customerId',
  'assignedAdminId', 'supportRequestId', 'guestName', 'guestEmail', 'guestPhone', 'emailVerified',
  'createdAt', 'updatedAt', 'closedAt'];
export const MESSAGE_FIELDS = ['id', 'senderType', 'senderId', 'message', 'createdAt', 'eventId'];

// Starts docket with the bootstrap admin and cheap password hashing.
export function startDocket(env = {}) {
  return startServer({
    env: {
      DOCKET_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      DOCKET_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DOCKET_PASSWORD_HASH_COST: 'minimal',
      ...env,
    },
  });
}

// Every key and string value of a response: no key naming a hash, no 64-hex string
// (a SHA-256 of a guest token or a one-time code).
export function assertNoHashes(value, where = 'body') {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoHashes(v, `${where}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      assert.ok(!/hash/i.test(k), `${where} has a key naming a hash: ${k}`);
      assertNoHashes(v, `${where}.${k}`);
    }
  } else if (typeof value === 'string') {
    assert.ok(!/[0-9a-fA-F]{64}/.test(value), `${where} holds a 64-hex-character string: ${value}`);
  }
}

// One HTTP call. `token` is sent as a bearer credential; `headers` are added. Answers
// {status, headers, body, text}. Answers of inquiry and ticket routes are checked for
// hashes.
export async function call(base, method, p, { body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(base + p, {
    method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = { unparsed: text }; }
  }
  if (p.includes('support-inquiries') || p.startsWith('/api/support/ticket')) {
    assertNoHashes(parsed, `${method} ${p}`);
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

// Asserts an error answer of the contract: status and top-level errorCode.
export function assertError(res, status, errorCode, what = '') {
  const label = `${what} ${JSON.stringify(res.body)}`;
  assert.equal(res.status, status, label);
  assert.equal(res.body?.success, false, label);
  assert.equal(res.body?.errorCode, errorCode, label);
}

export async function loginAdmin(base) {
  const res = await call(base, 'POST', '/api/auth/login', {
    body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { token: res.body.data.token, id: res.body.data.account.id };
}

// Registers a customer: {token, id, email}.
export async function registerCustomer(base, email, name = 'Customer') {
  const res = await call(base, 'POST', '/api/auth/register', {
    body: { email, password: `${name.toLowerCase()}-password-1`, name },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { token: res.body.data.token, id: res.body.data.account.id, email: res.body.data.account.email };
}

// Creates a staff account (permissions: the role's preset when omitted) and logs it in.
export async function createStaff(base, adminToken, { email, role = 'agent', permissions } = {}) {
  const body = { email, password: 'staff-password-1', name: email.split('@')[0], role };
  if (permissions) body.permissions = permissions;
  const created = await call(base, 'POST', '/api/admin/staff', { token: adminToken, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const login = await call(base, 'POST', '/api/auth/login', {
    body: { email, password: 'staff-password-1' },
  });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { token: login.body.data.token, id: created.body.data.id };
}

// POST /api/support-inquiries; asserts 201 and returns data.
export async function createInquiry(base, body, token) {
  const res = await call(base, 'POST', '/api/support-inquiries', { body, token });
  assert.equal(res.status, 201, `create inquiry: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function adminDetail(base, adminToken, id) {
  const res = await call(base, 'GET', `/api/admin/support-inquiries/${id}`, { token: adminToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

export async function adminList(base, adminToken, query = '') {
  const res = await call(base, 'GET', `/api/admin/support-inquiries${query ? `?${query}` : ''}`, {
    token: adminToken,
  });
  assert.equal(res.status, 200, `admin list ${query}: ${JSON.stringify(res.body)}`);
  assert.ok(Array.isArray(res.body.data), 'list data is an array');
  assert.ok(res.body.pagination, 'list has pagination');
  return res.body;
}

export async function setStatus(base, adminToken, id, status) {
  return call(base, 'PATCH', `/api/admin/support-inquiries/${id}/status`, {
    token: adminToken, body: { status },
  });
}

export async function adminReply(base, adminToken, id, message) {
  const res = await call(base, 'POST', `/api/admin/support-inquiries/${id}/messages`, {
    token: adminToken, body: { message },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

// Removes the given keys at every depth (for comparing two answers).
export function without(value, keys) {
  if (Array.isArray(value)) return value.map((v) => without(v, keys));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))
      .map(([k, v]) => [k, without(v, keys)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Mail

// Parses RFC 5322 text into {headers: {lower-case name: value}, body} with the body
// decoded from quoted-printable when so marked.
export function parseMail(text) {
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    const bytes = [];
    const soft = body.replace(/=\r?\n/g, '');
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i], 'utf8'));
      }
    }
    body = Buffer.from(bytes).toString('utf8');
  }
  return { headers, body };
}

// The 6-digit one-time code in a mail's body (not a digit run of a tracking code).
export function otpFromMail(text) {
  const { body } = parseMail(text);
  for (const m of body.matchAll(/\b(\d{6})\b/g)) {
    if (body.slice(Math.max(0, m.index - 4), m.index) === 'INQ-') continue;
    return m[1];
  }
  assert.fail(`no 6-digit code in the mail body:\n${body}`);
}

// A directory of delivered mail: the file sink's <dataDir>/mail (*.eml) or a Maildir's
// new/ folder. next(to) waits for a message to `to` not returned before.
export class Mailbox {
  constructor(dir, { ext = '.eml' } = {}) {
    this.dir = dir;
    this.ext = ext;
    this.seen = new Set();
  }

  async all() {
    // Hidden files are a writer's temporary files (renamed into place when complete).
    const files = (await readdir(this.dir).catch(() => []))
      .filter((f) => !f.startsWith('.') && (!this.ext || f.endsWith(this.ext))).sort();
    const out = [];
    for (const f of files) {
      const text = await readFile(path.join(this.dir, f), 'utf8').catch(() => null);
      if (text !== null) out.push({ file: f, text });
    }
    return out;
  }

  async next(to, timeoutMs = 15000) {
    const want = to.toLowerCase();
    return waitFor(async () => {
      for (const { file, text } of await this.all()) {
        if (this.seen.has(file)) continue;
        const { headers } = parseMail(text);
        if ((headers.to ?? '').toLowerCase().includes(want)) {
          this.seen.add(file);
          return text;
        }
      }
      return null;
    }, { timeoutMs, intervalMs: 100, message: `a mail to ${to} in ${this.dir}` });
  }
}

export function fileMailbox(dataDir) {
  return new Mailbox(path.join(dataDir, 'mail'), { ext: '.eml' });
}

// ---------------------------------------------------------------------------------------
// SMTP (Debian's python3-aiosmtpd), as in mail.test.js

export async function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, timeoutMs = 10000) {
  await waitFor(() => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  }), { timeoutMs, intervalMs: 100, message: `a listener on port ${port}` });
}

// Starts aiosmtpd with the Mailbox handler on <maildir>/box; returns the process and a
// Mailbox over its new/ folder.
export function startSmtp(port, maildir) {
  const proc = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '-c', 'aiosmtpd.handlers.Mailbox', path.join(maildir, 'box')], { stdio: 'ignore' });
  return { proc, mailbox: new Mailbox(path.join(maildir, 'box', 'new'), { ext: '' }) };
}

// A code as a standalone token in text (not inside a longer digit run or a hex string).
export function containsCode(text, code) {
  return new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text);
}

// A six-digit code that is not `code`.
export function otherCode(code) {
  return String((Number(code) + 1) % 1000000).padStart(6, '0');
}
