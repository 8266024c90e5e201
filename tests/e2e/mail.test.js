// E-mail through a real SMTP server on loopback (Debian's python3-aiosmtpd): an admin
// reply to a support request reaches the customer's mailbox, also when the server was
// down at the first attempt (the outbox retries after its backoff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/docket.js';
import { freePort, waitFor, waitForPort } from './lib/inquiries.js';

async function call(base, method, p, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

function startSmtp(port, maildir) {
  return spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '-c', 'aiosmtpd.handlers.Mailbox', path.join(maildir, 'box')], { stdio: 'ignore' });
}

// The first message to arrive in the Maildir the Mailbox handler keeps (bounded).
async function firstMail(maildir, what) {
  const inbox = path.join(maildir, 'box', 'new');
  return waitFor(async () => {
    const files = await readdir(inbox).catch(() => []);
    return files.length ? readFile(path.join(inbox, files[0]), 'utf8') : null;
  }, { timeoutMs: 15000, intervalMs: 100, message: `${what} (a message in ${inbox})` });
}

// GET /metrics: the outbox's series as {name: number}.
async function outbox(base) {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  const out = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^(docket_outbox_[a-z_]+) (\S+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

// Polls the outbox's metrics until `pred` holds (bounded); answers that snapshot.
async function waitForOutbox(base, pred, what) {
  let m;
  return waitFor(async () => {
    m = await outbox(base);
    return pred(m) && m;
  }, { timeoutMs: 15000, message: () => `${what}: ${JSON.stringify(m)}` });
}

// A customer with a support request, and the admin's reply to it.
async function adminReply(base) {
  const customer = (await call(base, 'POST', '/api/auth/register', {
    body: { email: 'mia@example.com', password: 'mia-password', name: 'Mia' },
  })).body.data.token;
  const admin = (await call(base, 'POST', '/api/auth/login', {
    body: { email: 'lead@example.com', password: 'lead-password-1' },
  })).body.data.token;
  const created = await call(base, 'POST', '/api/mobile/support-requests', {
    token: customer, body: { subject: 'Lost parcel', category: 'general', message: 'Where is it?' },
  });
  const reply = await call(base, 'POST', `/api/admin/support-requests/${created.body.data.id}/messages`, {
    token: admin, body: { message: 'It arrives tomorrow.' },
  });
  assert.equal(reply.status, 201);
  return created.body.data;
}

function serverEnv(port, extra = {}) {
  return {
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    SMTP_FROM: 'Support <support@example.com>',
    DOCKET_BOOTSTRAP_ADMIN_EMAIL: 'lead@example.com',
    DOCKET_BOOTSTRAP_ADMIN_PASSWORD: 'lead-password-1',
    DOCKET_PASSWORD_HASH_COST: 'minimal',
    ...extra,
  };
}

test('an admin reply is delivered over SMTP to the customer', async () => {
  const maildir = await mkdtemp(path.join(tmpdir(), 'docket-maildir-'));
  const port = await freePort();
  const smtp = startSmtp(port, maildir);
  await waitForPort(port);
  const server = await startServer({ env: serverEnv(port) });
  try {
    const request = await adminReply(server.baseUrl);
    const text = await firstMail(maildir, 'a message arrived in the mailbox');
    assert.match(text, /^To: mia@example\.com/m);
    assert.match(text, /^From: Support <support@example\.com>/m);
    assert.match(text, new RegExp(request.ticketNumber));
    assert.match(text, /It arrives tomorrow\./);
  } finally {
    await server.cleanup();
    smtp.kill();
    await rm(maildir, { recursive: true, force: true });
  }
});

test('a refused SMTP connection is retried after the backoff and then delivered', async () => {
  const maildir = await mkdtemp(path.join(tmpdir(), 'docket-maildir-'));
  const port = await freePort();  // nothing listens there yet: connections are refused
  const server = await startServer({ env: serverEnv(port, { DOCKET_MAIL_RETRY_BASE_SECONDS: '1' }) });
  let smtp;
  try {
    const base = server.baseUrl;
    const request = await adminReply(base);
    // One snapshot, taken as soon as the attempt has failed: the retry is a second away.
    const failed = await waitForOutbox(base, (m) => m.docket_outbox_failed_total >= 1, 'the first attempt failed');
    assert.equal(failed.docket_outbox_failed_total, 1, 'the first attempt failed');
    assert.equal(failed.docket_outbox_queued, 1, 'and the message waits for a retry');
    assert.equal(failed.docket_outbox_sent_total, 0);

    smtp = startSmtp(port, maildir);
    await waitForPort(port);
    const text = await firstMail(maildir, 'the retry delivered the message');
    assert.match(text, new RegExp(request.ticketNumber));
    // The SMTP server has the message before the worker marks it sent (mark_sent, then
    // the counter): wait for the counter, then read the rest from the same snapshot.
    const sent = await waitForOutbox(base, (m) => m.docket_outbox_sent_total >= 1, 'the outbox marked the mail sent');
    assert.equal(sent.docket_outbox_sent_total, 1);
    assert.equal(sent.docket_outbox_queued, 0);
    assert.equal(sent.docket_outbox_dead_total, 0);
  } finally {
    await server.cleanup();
    smtp?.kill();
    await rm(maildir, { recursive: true, force: true });
  }
});
