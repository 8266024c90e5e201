// Support inquiries against the real binary: guests and customers open chat-style
// inquiries, guest tokens and customer JWTs open only their own, e-mail identification
// and one-time-code verification (codes read from real mail: the .eml file sink and an
// aiosmtpd server), staff work the inquiries (reply, assign, status, link to support
// requests), closed and spam inquiries refuse messages, the inactive-close job, rate
// limits, permissions and the public ticket lookup. No secret reaches logs or the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { docket } from './lib/docket.js';
import {
  GUEST_TOKEN, INQUIRY_FIELDS, MESSAGE_FIELDS, TRACKING_CODE,
  adminDetail, adminList, adminReply, assertError, call, clockPast, containsCode, createInquiry,
  createStaff, fileMailbox, freePort, loginAdmin, otherCode, otpFromMail, parseMail,
  registerCustomer, setStatus, sleep, startDocket, startSmtp, waitFor, waitForPort, without,
} from './lib/inquiries.js';

const P = '/api/support-inquiries';
const A = '/api/admin/support-inquiries';

function assertInquiryShape(inquiry, what = 'inquiry') {
  for (const key of INQUIRY_FIELDS) assert.ok(key in inquiry, `${what} has ${key}`);
  assert.ok(Number.isInteger(inquiry.id), `${what}.id is an integer`);
  assert.match(inquiry.trackingCode, TRACKING_CODE);
}

function assertMessageShape(message, what = 'message') {
  for (const key of MESSAGE_FIELDS) assert.ok(key in message, `${what} has ${key}`);
  assert.ok(Number.isInteger(message.id), `${what}.id is an integer`);
  assert.ok(Number.isInteger(message.eventId), `${what}.eventId is an integer`);
  assert.ok(['visitor', 'customer', 'admin', 'system'].includes(message.senderType), message.senderType);
}

const ids = (list) => list.map((i) => i.id);
const sortedIds = (list) => ids(list).sort((a, b) => a - b);
const senderTypes = (messages) => messages.map((m) => m.senderType);

// Runs the verification of `email` on a guest inquiry through identify, request ({})
// and the code read from `mailbox`; answers the confirm response.
async function verifyGuestEmail(base, inquiry, email, mailbox) {
  const token = inquiry.inquiryAccessToken;
  const identified = await call(base, 'PATCH', `${P}/${inquiry.id}/identify`, { token, body: { email } });
  assert.equal(identified.status, 200, JSON.stringify(identified.body));
  const requested = await call(base, 'POST', `${P}/${inquiry.id}/verify-email/request`, { token, body: {} });
  assert.equal(requested.status, 202, JSON.stringify(requested.body));
  const code = otpFromMail(await mailbox.next(email.trim().toLowerCase()));
  const confirmed = await call(base, 'POST', `${P}/${inquiry.id}/verify-email/confirm`, {
    token, body: { code },
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { confirmed: confirmed.body.data, code };
}

// ---------------------------------------------------------------------------------------
// Creation

test('a guest inquiry answers id, tracking code, the system greeting, the first message and a guest token', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const res = await call(base, 'POST', P, {
      body: {
        subject: 'Where is my parcel?', category: 'shipping', message: 'Ordered last week, nothing yet.',
        guestName: 'Pat Guest', guestEmail: 'pat@example.org', guestPhone: '+15550100',
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    const inquiry = res.body.data;
    assertInquiryShape(inquiry);
    assert.match(inquiry.inquiryAccessToken, GUEST_TOKEN);
    assert.equal(inquiry.subject, 'Where is my parcel?');
    assert.equal(inquiry.category, 'shipping');
    assert.equal(inquiry.status, 'open');
    assert.equal(inquiry.customerId, null);
    assert.equal(inquiry.assignedAdminId, null);
    assert.equal(inquiry.supportRequestId, null);
    assert.equal(inquiry.guestName, 'Pat Guest');
    assert.equal(inquiry.guestEmail, 'pat@example.org');
    assert.equal(inquiry.guestPhone, '+15550100');
    assert.equal(inquiry.emailVerified, false);
    assert.equal(inquiry.closedAt, null);
    assert.ok(Array.isArray(inquiry.messages));
    assert.deepEqual(senderTypes(inquiry.messages), ['system', 'visitor']);
    inquiry.messages.forEach((m, i) => assertMessageShape(m, `messages[${i}]`));
    assert.ok(inquiry.messages[0].message.length > 0, 'the greeting has text');
    assert.equal(inquiry.messages[1].message, 'Ordered last week, nothing yet.');

    // The token opens the inquiry; it is shown only once.
    const token = inquiry.inquiryAccessToken;
    const detail = await call(base, 'GET', `${P}/${inquiry.id}`, { token });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assertInquiryShape(detail.body.data, 'detail');
    assert.equal(detail.body.data.trackingCode, inquiry.trackingCode);
    assert.deepEqual(detail.body.data.messages, inquiry.messages);
    assert.equal(detail.body.data.messageCount, 2);
    assert.ok(!('inquiryAccessToken' in detail.body.data), 'detail does not repeat the token');
    assert.ok(!detail.text.includes(token));
    const messages = await call(base, 'GET', `${P}/${inquiry.id}/messages`, { token });
    assert.equal(messages.status, 200, JSON.stringify(messages.body));
    assert.deepEqual(messages.body.data, inquiry.messages);

    const posted = await call(base, 'POST', `${P}/${inquiry.id}/messages`, { token, body: { message: 'Any news?' } });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assertMessageShape(posted.body.data);
    assert.equal(posted.body.data.senderType, 'visitor');
    assert.equal(posted.body.data.message, 'Any news?');

    // Without a first message: only the greeting. Every guest gets its own code and token.
    const bare = await createInquiry(base, { subject: 'Just a question' });
    assert.deepEqual(senderTypes(bare.messages), ['system']);
    assert.match(bare.inquiryAccessToken, GUEST_TOKEN);
    assert.notEqual(bare.trackingCode, inquiry.trackingCode);
    assert.notEqual(bare.inquiryAccessToken, token);

    // Validation: subject 1-200 characters.
    assertError(await call(base, 'POST', P, { body: { subject: '' } }), 400, 'VALIDATION_ERROR', 'empty subject');
    assertError(await call(base, 'POST', P, { body: { subject: 'x'.repeat(201) } }), 400, 'VALIDATION_ERROR', 'long subject');

    assert.ok(!JSON.stringify(server.logs).includes(token), 'no guest token in the log output');
  } finally {
    await server.cleanup();
  }
});

test('an inquiry created with a customer JWT belongs to that customer and has no guest token', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const admin = await loginAdmin(base);
    const res = await call(base, 'POST', P, {
      token: kim.token, body: { subject: 'Invoice question', category: 'billing', message: 'Why two charges?' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const inquiry = res.body.data;
    assertInquiryShape(inquiry);
    assert.ok(!('inquiryAccessToken' in inquiry), 'no inquiryAccessToken key for a customer');
    assert.equal(inquiry.customerId, kim.id);
    assert.equal(inquiry.status, 'open');
    assert.deepEqual(senderTypes(inquiry.messages), ['system', 'customer']);
    assert.equal(inquiry.messages[1].message, 'Why two charges?');

    const detail = await call(base, 'GET', `${P}/${inquiry.id}`, { token: kim.token });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.equal(detail.body.data.customerId, kim.id);
    const posted = await call(base, 'POST', `${P}/${inquiry.id}/messages`, {
      token: kim.token, body: { message: 'Still waiting' },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.data.senderType, 'customer');

    assert.equal((await adminDetail(base, admin.token, inquiry.id)).customerId, kim.id);
    const list = await call(base, 'GET', P, { token: kim.token });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(ids(list.body.data), [inquiry.id]);
  } finally {
    await server.cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// Access

test('a guest token opens only its own inquiry; a customer only theirs (IDOR)', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const a = await createInquiry(base, { subject: 'Guest A', message: 'from A' });
    const b = await createInquiry(base, { subject: 'Guest B', message: 'from B' });
    const k = await createInquiry(base, { subject: 'Kim asks', message: 'from Kim' }, kim.token);
    const l = await createInquiry(base, { subject: 'Lee asks', message: 'from Lee' }, lee.token);
    const tokenA = a.inquiryAccessToken;

    assert.equal((await call(base, 'GET', `${P}/${a.id}`, { token: tokenA })).status, 200);
    assert.equal((await call(base, 'GET', `${P}/${a.id}/messages`, { token: tokenA })).status, 200);

    const denied = 'SUPPORT_INQUIRY_ACCESS_DENIED';
    assertError(await call(base, 'GET', `${P}/${b.id}`, { token: tokenA }), 403, denied, 'token A on B');
    assertError(await call(base, 'GET', `${P}/${b.id}/messages`, { token: tokenA }), 403, denied, 'token A on B messages');
    assertError(await call(base, 'POST', `${P}/${b.id}/messages`, { token: tokenA, body: { message: 'hi' } }),
      403, denied, 'token A posts on B');
    assertError(await call(base, 'GET', `${P}/${k.id}`, { token: tokenA }), 403, denied, 'token A on Kim');
    assertError(await call(base, 'GET', `${P}/${l.id}`, { token: kim.token }), 403, denied, 'Kim on Lee');
    assertError(await call(base, 'GET', `${P}/${l.id}/messages`, { token: kim.token }), 403, denied, 'Kim on Lee messages');
    assertError(await call(base, 'POST', `${P}/${l.id}/messages`, { token: kim.token, body: { message: 'hi' } }),
      403, denied, 'Kim posts on Lee');
    assertError(await call(base, 'GET', `${P}/${a.id}`, { token: kim.token }), 403, denied, 'Kim on guest A');
    assertError(await call(base, 'GET', `${P}/${a.id}`), 403, denied, 'no credentials');
    assertError(await call(base, 'GET', `${P}/${a.id}/messages`), 403, denied, 'no credentials, messages');
    assertError(await call(base, 'GET', `${P}/99999999`, { token: kim.token }), 404, 'SUPPORT_INQUIRY_NOT_FOUND', 'unknown id');

    const invalid = 'SUPPORT_INQUIRY_TOKEN_INVALID';
    assertError(await call(base, 'GET', `${P}/${a.id}`, { token: 'si_not-a-token' }), 403, invalid, 'malformed token');
    const unknown = `si_${randomBytes(32).toString('base64url')}`;
    assert.match(unknown, GUEST_TOKEN);
    assertError(await call(base, 'GET', `${P}/${a.id}`, { token: unknown }), 403, invalid, 'unknown token');

    // Revoked by staff: the token stops working; the conversation stays.
    const revoked = await call(base, 'POST', `${A}/${a.id}/revoke-token`, { token: admin.token });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.data.id, a.id);
    assertError(await call(base, 'GET', `${P}/${a.id}`, { token: tokenA }), 403, invalid, 'revoked token');
    assertError(await call(base, 'GET', `${P}/${a.id}/messages`, { token: tokenA }), 403, invalid, 'revoked token, messages');
    assertError(await call(base, 'POST', `${P}/${a.id}/messages`, { token: tokenA, body: { message: 'hi' } }),
      403, invalid, 'revoked token posts');
    assert.equal((await call(base, 'GET', `${P}/${b.id}`, { token: b.inquiryAccessToken })).status, 200, 'B still works');
    assert.deepEqual(senderTypes((await adminDetail(base, admin.token, a.id)).messages), ['system', 'visitor']);
  } finally {
    await server.cleanup();
  }
});

test('a customer lists only their own inquiries, one linked through OTP verification included; filters and sort', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    // Each step waits until the clock has passed the timestamp of the one before, so
    // that the sorts below see distinct times.
    const k1 = await createInquiry(base, { subject: 'First', category: 'billing', message: 'one' }, kim.token);
    await clockPast(k1.createdAt);
    const k2 = await createInquiry(base, { subject: 'Second', category: 'shipping', message: 'two' }, kim.token);
    await clockPast(k2.createdAt);
    const g = await createInquiry(base, { subject: 'As a guest', category: 'billing', message: 'three' });
    const l1 = await createInquiry(base, { subject: 'Lee only', category: 'billing', message: 'four' }, lee.token);
    await clockPast(l1.createdAt);
    const { confirmed } = await verifyGuestEmail(base, g, 'kim@example.com', fileMailbox(server.dataDir));
    assert.equal(confirmed.customerId, kim.id);
    await clockPast(confirmed.updatedAt);
    await adminReply(base, admin.token, k2.id, 'We are on it');  // k2: waiting, updated last

    const list = async (token, query = '') => {
      const res = await call(base, 'GET', `${P}${query ? `?${query}` : ''}`, { token });
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.pagination, 'list envelope has pagination');
      return res.body;
    };
    const all = await list(kim.token);
    assert.deepEqual(sortedIds(all.data), [k1.id, k2.id, g.id]);
    assert.equal(all.pagination.total, 3);
    assert.ok(all.data.every((i) => i.customerId === kim.id));
    assert.ok(!ids(all.data).includes(l1.id));
    assert.deepEqual(ids((await list(lee.token)).data), [l1.id]);

    assert.deepEqual(sortedIds((await list(kim.token, 'category=billing')).data), [k1.id, g.id]);
    assert.deepEqual(ids((await list(kim.token, 'status=waiting')).data), [k2.id]);
    assert.deepEqual(ids((await list(kim.token, 'status=waiting&category=billing')).data), []);
    assert.deepEqual(ids((await list(kim.token, 'sortBy=createdAt&sortOrder=asc')).data), [k1.id, k2.id, g.id]);
    assert.deepEqual(ids((await list(kim.token, 'sortBy=createdAt&sortOrder=desc')).data), [g.id, k2.id, k1.id]);
    assert.deepEqual(ids((await list(kim.token, 'sortBy=updatedAt&sortOrder=desc')).data), [k2.id, g.id, k1.id]);
    const page1 = await list(kim.token, 'page=1&pageSize=2&sortBy=createdAt&sortOrder=asc');
    assert.deepEqual(ids(page1.data), [k1.id, k2.id]);
    assert.deepEqual(page1.pagination, { page: 1, pageSize: 2, total: 3, pages: 2 });
    const page2 = await list(kim.token, 'page=2&pageSize=2&sortBy=createdAt&sortOrder=asc');
    assert.deepEqual(ids(page2.data), [g.id]);

    // The verified inquiry opens with Kim's JWT now.
    assert.equal((await call(base, 'GET', `${P}/${g.id}`, { token: kim.token })).status, 200);

    // Guests and anonymous callers have no list.
    const asGuest = await call(base, 'GET', P, { token: g.inquiryAccessToken });
    assert.ok([401, 403].includes(asGuest.status), `guest token on the list: ${asGuest.status}`);
    assert.equal(asGuest.body.success, false);
    const anonymous = await call(base, 'GET', P);
    assert.ok([401, 403].includes(anonymous.status), `anonymous list: ${anonymous.status}`);
  } finally {
    await server.cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// Identify and verify

test('identify stores a normalized e-mail and answers the same whether or not a customer has it', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const alice = await registerCustomer(base, 'alice@example.com', 'Alice');
    const g1 = await createInquiry(base, { subject: 'Help with login', message: 'I cannot sign in' });
    const g2 = await createInquiry(base, { subject: 'Help with login', message: 'I cannot sign in' });

    const r1 = await call(base, 'PATCH', `${P}/${g1.id}/identify`, {
      token: g1.inquiryAccessToken, body: { name: 'Sam Visitor', email: '  Alice@Example.COM ', phone: '+15550111' },
    });
    const r2 = await call(base, 'PATCH', `${P}/${g2.id}/identify`, {
      token: g2.inquiryAccessToken, body: { name: 'Sam Visitor', email: '  Nobody@Example.COM ', phone: '+15550111' },
    });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    assertInquiryShape(r1.body.data);
    assert.equal(r1.body.data.guestEmail, 'alice@example.com');
    assert.equal(r2.body.data.guestEmail, 'nobody@example.com');
    for (const r of [r1, r2]) {
      assert.equal(r.body.data.customerId, null);
      assert.equal(r.body.data.emailVerified, false);
      assert.equal(r.body.data.guestName, 'Sam Visitor');
      assert.equal(r.body.data.guestPhone, '+15550111');
    }
    const volatile = ['id', 'trackingCode', 'createdAt', 'updatedAt', 'eventId', 'guestEmail'];
    assert.deepEqual(without(r1.body, volatile), without(r2.body, volatile),
      'the answer does not reveal whether the e-mail has an account');

    const detail = await call(base, 'GET', `${P}/${g1.id}`, { token: g1.inquiryAccessToken });
    assert.equal(detail.body.data.guestEmail, 'alice@example.com');
    assert.equal(detail.body.data.customerId, null);
    const staffView = await adminDetail(base, admin.token, g1.id);
    assert.equal(staffView.guestEmail, 'alice@example.com');
    assert.equal(staffView.customerId, null);
    assert.deepEqual((await call(base, 'GET', P, { token: alice.token })).body.data, [], 'not linked to Alice');
  } finally {
    await server.cleanup();
  }
});

test('a verification request answers generically for a customer\'s and an unknown e-mail; both mails are delivered', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    await registerCustomer(base, 'kim@example.com', 'Kim');
    const mailbox = fileMailbox(server.dataDir);
    const g1 = await createInquiry(base, { subject: 'Account help', message: 'hello' });
    const g2 = await createInquiry(base, { subject: 'Account help', message: 'hello' });
    const g3 = await createInquiry(base, { subject: 'Account help', message: 'hello' });

    const v1 = await call(base, 'POST', `${P}/${g1.id}/verify-email/request`, {
      token: g1.inquiryAccessToken, body: { email: 'kim@example.com' },
    });
    const v2 = await call(base, 'POST', `${P}/${g2.id}/verify-email/request`, {
      token: g2.inquiryAccessToken, body: { email: 'unknown.person@example.net' },
    });
    assert.equal(v1.status, 202, JSON.stringify(v1.body));
    assert.equal(v2.status, v1.status);
    assert.deepEqual(v2.body, v1.body, 'the same body for a known and an unknown address');
    assert.ok(!JSON.stringify(v1.body).includes('kim@example.com'), 'the answer does not echo the address');

    const m1 = await mailbox.next('kim@example.com');
    const m2 = await mailbox.next('unknown.person@example.net');
    assert.match(otpFromMail(m1), /^\d{6}$/);
    assert.match(otpFromMail(m2), /^\d{6}$/);

    // With the identified e-mail: body {}.
    const identified = await call(base, 'PATCH', `${P}/${g3.id}/identify`, {
      token: g3.inquiryAccessToken, body: { email: 'third@example.org' },
    });
    assert.equal(identified.status, 200, JSON.stringify(identified.body));
    const v3 = await call(base, 'POST', `${P}/${g3.id}/verify-email/request`, { token: g3.inquiryAccessToken, body: {} });
    assert.equal(v3.status, 202, JSON.stringify(v3.body));
    assert.deepEqual(v3.body, v1.body);
    assert.match(otpFromMail(await mailbox.next('third@example.org')), /^\d{6}$/);
  } finally {
    await server.cleanup();
  }
});

test('confirm links the customer only after the valid code (read from the .eml file); no code or token in logs or the event log', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const mailbox = fileMailbox(server.dataDir);
    const g = await createInquiry(base, { subject: 'My order', message: 'Order 1234 is late' });
    const token = g.inquiryAccessToken;

    const identified = await call(base, 'PATCH', `${P}/${g.id}/identify`, { token, body: { email: '  KIM@example.com ' } });
    assert.equal(identified.status, 200, JSON.stringify(identified.body));
    assert.equal(identified.body.data.customerId, null);
    const requested = await call(base, 'POST', `${P}/${g.id}/verify-email/request`, { token, body: {} });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    const mail = await mailbox.next('kim@example.com');
    const code = otpFromMail(mail);

    const wrong = await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code: otherCode(code) } });
    assertError(wrong, 400, 'SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID', 'wrong code');
    const afterWrong = await call(base, 'GET', `${P}/${g.id}`, { token });
    assert.equal(afterWrong.body.data.customerId, null, 'a wrong code links nothing');
    assert.equal(afterWrong.body.data.emailVerified, false);
    assert.equal((await adminDetail(base, admin.token, g.id)).customerId, null);
    assertError(await call(base, 'GET', `${P}/${g.id}`, { token: kim.token }), 403, 'SUPPORT_INQUIRY_ACCESS_DENIED',
      'Kim before verification');

    const right = await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code } });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    assertInquiryShape(right.body.data);
    assert.equal(right.body.data.emailVerified, true);
    assert.equal(right.body.data.customerId, kim.id);
    assert.equal(right.body.data.guestEmail, 'kim@example.com');
    assert.equal((await adminDetail(base, admin.token, g.id)).customerId, kim.id);
    assert.equal((await call(base, 'GET', `${P}/${g.id}`, { token: kim.token })).status, 200, 'Kim opens it now');
    assert.deepEqual(ids((await call(base, 'GET', P, { token: kim.token })).body.data), [g.id]);

    // An address without an account: verified, nothing linked.
    const s = await createInquiry(base, { subject: 'Other', message: 'hi' });
    const { confirmed, code: code2 } = await verifyGuestEmail(base, s, 'stranger@example.org', mailbox);
    assert.equal(confirmed.emailVerified, true);
    assert.equal(confirmed.customerId, null);

    // Secrets: the raw codes and guest tokens are in neither the log output nor the event log.
    assert.equal((await server.stop()).code, 0);
    const logs = JSON.stringify(server.logs);
    const exported = await docket(['events', 'export', '--data-dir', server.dataDir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(exported.stdout.includes('support.inquiry.email_verified'), 'the export holds the inquiry events');
    for (const [what, text] of [['log output', logs], ['event log', exported.stdout]]) {
      for (const secret of [token, s.inquiryAccessToken]) {
        assert.ok(!text.includes(secret), `no guest token in the ${what}`);
      }
      for (const c of [code, code2]) assert.ok(!containsCode(text, c), `no one-time code ${c} in the ${what}`);
    }
  } finally {
    await server.cleanup();
  }
});

test('after five wrong codes even the right code is refused', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    await registerCustomer(base, 'kim@example.com', 'Kim');
    const mailbox = fileMailbox(server.dataDir);
    const g = await createInquiry(base, { subject: 'Guessing', message: 'hi' });
    const token = g.inquiryAccessToken;
    assert.equal((await call(base, 'PATCH', `${P}/${g.id}/identify`, { token, body: { email: 'kim@example.com' } })).status, 200);
    assert.equal((await call(base, 'POST', `${P}/${g.id}/verify-email/request`, { token, body: {} })).status, 202);
    const code = otpFromMail(await mailbox.next('kim@example.com'));
    let guess = code;
    for (let i = 0; i < 5; i++) {
      guess = otherCode(guess);
      assertError(await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code: guess } }),
        400, 'SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID', `wrong code ${i + 1}`);
    }
    assertError(await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code } }),
      400, 'SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID', 'the right code after five wrong ones');
    const detail = await adminDetail(base, admin.token, g.id);
    assert.equal(detail.customerId, null);
    assert.equal(detail.emailVerified, false);
  } finally {
    await server.cleanup();
  }
});

test('the verification code arrives over SMTP (aiosmtpd) and confirms the e-mail', async () => {
  const maildir = await mkdtemp(path.join(tmpdir(), 'docket-maildir-'));
  const port = await freePort();
  const smtp = startSmtp(port, maildir);
  await waitForPort(port);
  const server = await startDocket({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    SMTP_FROM: 'Support <support@example.com>',
  });
  try {
    const base = server.baseUrl;
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const g = await createInquiry(base, { subject: 'Over SMTP', message: 'hi' });
    const token = g.inquiryAccessToken;
    assert.equal((await call(base, 'PATCH', `${P}/${g.id}/identify`, { token, body: { email: 'Kim@Example.com' } })).status, 200);
    const requested = await call(base, 'POST', `${P}/${g.id}/verify-email/request`, { token, body: {} });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    const text = await smtp.mailbox.next('kim@example.com');
    assert.match(text, /^To: .*kim@example\.com/mi);
    assert.match(text, /^From: Support <support@example\.com>/m);
    const code = otpFromMail(text);
    assert.ok(parseMail(text).body.includes(code));

    assertError(await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code: otherCode(code) } }),
      400, 'SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID', 'wrong code');
    const confirmed = await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code } });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.data.emailVerified, true);
    assert.equal(confirmed.body.data.customerId, kim.id);
    assert.ok(!containsCode(JSON.stringify(server.logs), code), 'no code in the log output');
  } finally {
    await server.cleanup();
    smtp.proc.kill();
    await rm(maildir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------
// Staff

test('admin lists and searches inquiries by tracking code, subject, guest e-mail fragment, name and phone', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const i1 = await createInquiry(base, { subject: 'Gearbox rattles at speed', message: 'loud' });
    const i2 = await createInquiry(base, { subject: 'Question one', guestEmail: 'zed.quill@postbox.test' });
    const i3 = await createInquiry(base, { subject: 'Question two', guestName: 'Ottilie Brandstetter' });
    const i4 = await createInquiry(base, { subject: 'Question three', guestPhone: '+447700900555' });
    const i5 = await createInquiry(base, { subject: 'Question four' }, kim.token);

    const search = async (q, extra = '') =>
      sortedIds((await adminList(base, admin.token, `search=${encodeURIComponent(q)}${extra}`)).data);

    const all = await adminList(base, admin.token);
    assert.equal(all.pagination.total, 5);
    const created = [i1.id, i2.id, i3.id, i4.id, i5.id];
    assert.deepEqual(ids((await adminList(base, admin.token, 'sortBy=createdAt&sortOrder=asc')).data), created);
    assert.deepEqual(ids((await adminList(base, admin.token, 'sortBy=createdAt&sortOrder=desc')).data), [...created].reverse());
    const lastPage = await adminList(base, admin.token, 'sortBy=createdAt&sortOrder=asc&page=3&pageSize=2');
    assert.deepEqual(ids(lastPage.data), [i5.id]);
    assert.deepEqual(lastPage.pagination, { page: 3, pageSize: 2, total: 5, pages: 3 });
    assert.deepEqual(await search(i5.trackingCode), [i5.id], 'tracking code');
    assert.deepEqual(await search(i3.trackingCode.toLowerCase()), [i3.id], 'tracking code, lower case');
    assert.deepEqual(await search('GEARBOX'), [i1.id], 'subject, other case');
    assert.deepEqual(await search('rattles at'), [i1.id], 'subject phrase');
    assert.deepEqual(await search('quil'), [i2.id], 'guest e-mail, 4 characters');
    assert.deepEqual(await search('QUIL'), [i2.id], 'guest e-mail, 4 characters, other case');
    assert.deepEqual(await search('brandstet'), [i3.id], 'guest name');
    assert.deepEqual(await search('900555'), [i4.id], 'guest phone');
    assert.deepEqual(await search('question'), [i2.id, i3.id, i4.id, i5.id]);
    assert.deepEqual(await search('question', `&customerId=${kim.id}`), [i5.id], 'search and customerId');
    assert.deepEqual(await search('no such thing'), []);
    const found = await adminList(base, admin.token, `search=${encodeURIComponent(i5.trackingCode)}`);
    assert.equal(found.pagination.total, 1);
    assertInquiryShape(found.data[0]);

    // A new e-mail replaces the old one in the search.
    const changed = await call(base, 'PATCH', `${P}/${i2.id}/identify`, {
      token: i2.inquiryAccessToken, body: { email: 'new.addr@elsewhere.test' },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(await search('quil'), [], 'the old e-mail is no longer found');
    assert.deepEqual(await search('elsewhere'), [i2.id]);
  } finally {
    await server.cleanup();
  }
});

test('admin replies, assigns, changes status; list filters follow', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const g = await createInquiry(base, {
      subject: 'Broken zipper', category: 'returns', message: 'The zipper broke on day one.', guestName: 'Robin',
    });
    const h = await createInquiry(base, { subject: 'Other thing', category: 'general', message: 'hm' });
    const token = g.inquiryAccessToken;

    const reply = await call(base, 'POST', `${A}/${g.id}/messages`, {
      token: admin.token, body: { message: 'Sorry! Send us a photo please.' },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assertMessageShape(reply.body.data);
    assert.equal(reply.body.data.senderType, 'admin');
    assert.equal(reply.body.data.senderId, admin.id);
    assert.equal(reply.body.data.message, 'Sorry! Send us a photo please.');
    assert.equal((await adminDetail(base, admin.token, g.id)).status, 'waiting');

    const visitor = await call(base, 'POST', `${P}/${g.id}/messages`, { token, body: { message: 'Photo attached.' } });
    assert.equal(visitor.status, 201, JSON.stringify(visitor.body));
    assert.equal((await adminDetail(base, admin.token, g.id)).status, 'active');

    const agentReply = await adminReply(base, agent.token, g.id, 'Replacement is on its way.');
    assert.equal(agentReply.senderId, agent.id);
    const detail = await adminDetail(base, admin.token, g.id);
    assert.equal(detail.status, 'waiting');
    assert.deepEqual(senderTypes(detail.messages), ['system', 'visitor', 'admin', 'visitor', 'admin']);
    assert.equal(detail.messageCount, 5);
    detail.messages.forEach((m, i) => assertMessageShape(m, `messages[${i}]`));
    const guestView = await call(base, 'GET', `${P}/${g.id}/messages`, { token });
    assert.deepEqual(guestView.body.data.map((m) => m.message), detail.messages.map((m) => m.message));

    // Assign.
    const assigned = await call(base, 'PATCH', `${A}/${g.id}/assign`, {
      token: admin.token, body: { assignedAdminId: agent.id },
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.data.assignedAdminId, agent.id);
    assert.deepEqual(ids((await adminList(base, admin.token, `assignedAdminId=${agent.id}`)).data), [g.id]);
    assert.deepEqual(ids((await adminList(base, admin.token, 'assignedAdminId=unassigned')).data), [h.id]);
    assert.deepEqual(ids((await adminList(base, admin.token, 'status=waiting')).data), [g.id]);
    assert.deepEqual(ids((await adminList(base, admin.token, 'status=open')).data), [h.id]);
    assert.deepEqual(ids((await adminList(base, admin.token, 'category=returns')).data), [g.id]);
    const unassigned = await call(base, 'PATCH', `${A}/${g.id}/assign`, {
      token: admin.token, body: { assignedAdminId: null },
    });
    assert.equal(unassigned.status, 200, JSON.stringify(unassigned.body));
    assert.equal(unassigned.body.data.assignedAdminId, null);

    // Status.
    const resolved = await setStatus(base, admin.token, g.id, 'resolved');
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.data.status, 'resolved');
    assert.equal(resolved.body.data.closedAt, null);
    assertError(await setStatus(base, admin.token, g.id, 'waiting'), 409, 'INVALID_STATUS_TRANSITION', 'resolved -> waiting');
    const active = await setStatus(base, admin.token, g.id, 'active');
    assert.equal(active.status, 200, JSON.stringify(active.body));
    assert.equal(active.body.data.status, 'active');
    const closed = await setStatus(base, admin.token, g.id, 'closed');
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.data.status, 'closed');
    assert.equal(typeof closed.body.data.closedAt, 'string');

    // Closing changes the status only: the guest still reads the whole conversation
    // with the token, and staff see every message.
    const afterClose = await call(base, 'GET', `${P}/${g.id}`, { token });
    assert.equal(afterClose.status, 200, JSON.stringify(afterClose.body));
    assert.equal(afterClose.body.data.status, 'closed');
    assert.deepEqual(afterClose.body.data.messages, detail.messages);
    assert.equal((await call(base, 'GET', `${P}/${g.id}/messages`, { token })).status, 200);
    assert.deepEqual((await adminDetail(base, admin.token, g.id)).messages, detail.messages);
  } finally {
    await server.cleanup();
  }
});

test('admin links an inquiry to the customer\'s support request; refused links', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const srKim = (await call(base, 'POST', '/api/mobile/support-requests', {
      token: kim.token, body: { subject: 'Card declined', category: 'billing', message: 'It fails' },
    })).body.data;
    const srLee = (await call(base, 'POST', '/api/mobile/support-requests', {
      token: lee.token, body: { subject: 'Login', category: 'account', message: 'Locked out' },
    })).body.data;
    const inquiry = await createInquiry(base, { subject: 'Card issue', category: 'billing', message: 'My card fails' }, kim.token);
    const link = (id, body) => call(base, 'POST', `${A}/${id}/link-support-request`, { token: admin.token, body });

    assertError(await link(inquiry.id, { supportRequestId: srLee.id }), 400, 'SUPPORT_INQUIRY_LINK_INVALID', "another customer's request");
    assertError(await link(inquiry.id, { supportRequestId: 99999999 }), 400, 'SUPPORT_INQUIRY_LINK_INVALID', 'no such request');
    const unchanged = await adminDetail(base, admin.token, inquiry.id);
    assert.equal(unchanged.status, 'open');
    assert.equal(unchanged.supportRequestId, null);

    const guest = await createInquiry(base, { subject: 'Anonymous', message: 'hi' });
    assertError(await link(guest.id, {}), 400, 'SUPPORT_INQUIRY_SUPPORT_REQUEST_REQUIRED', 'a guest without customer');

    const linked = await link(inquiry.id, { supportRequestId: srKim.id });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assertInquiryShape(linked.body.data);
    assert.equal(linked.body.data.status, 'linked');
    assert.equal(linked.body.data.supportRequestId, srKim.id);
    assert.equal(linked.body.data.trackingCode, inquiry.trackingCode);
    assert.equal(linked.body.data.customerId, kim.id);
  } finally {
    await server.cleanup();
  }
});

test('linking without a request id creates a support request for a verified guest, with the conversation copied', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const g = await createInquiry(base, { subject: 'Lost order', category: 'general', message: 'Order 7781 never came.' });
    const greeting = g.messages[0].message;
    await adminReply(base, admin.token, g.id, 'Let me check.');
    const posted = await call(base, 'POST', `${P}/${g.id}/messages`, { token: g.inquiryAccessToken, body: { message: 'Thanks!' } });
    assert.equal(posted.status, 201);
    const { confirmed } = await verifyGuestEmail(base, g, 'kim@example.com', fileMailbox(server.dataDir));
    assert.equal(confirmed.customerId, kim.id);

    const linked = await call(base, 'POST', `${A}/${g.id}/link-support-request`, { token: admin.token, body: {} });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.data.status, 'linked');
    assert.equal(linked.body.data.trackingCode, g.trackingCode);
    const requestId = linked.body.data.supportRequestId;
    assert.ok(Number.isInteger(requestId), 'a support request was created');

    const sr = await call(base, 'GET', `/api/admin/support-requests/${requestId}`, { token: admin.token });
    assert.equal(sr.status, 200, JSON.stringify(sr.body));
    assert.equal(sr.body.data.customerId, kim.id);
    const messages = sr.body.data.messages;
    assert.deepEqual(senderTypes(messages), ['customer', 'admin', 'customer']);
    assert.deepEqual(messages.map((m) => m.message), ['Order 7781 never came.', 'Let me check.', 'Thanks!']);
    assert.equal(messages[1].senderId, admin.id);
    assert.ok(!messages.some((m) => m.message === greeting), 'the system greeting is not copied');

    const mine = await call(base, 'GET', '/api/mobile/support-requests', { token: kim.token });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.ok(ids(mine.body.data).includes(requestId), 'the customer sees the new request');
  } finally {
    await server.cleanup();
  }
});

test('a linked inquiry keeps its tracking code and support request id everywhere', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const inquiry = await createInquiry(base, { subject: 'Parcel damaged', category: 'general', message: 'Box crushed' }, kim.token);
    await adminReply(base, admin.token, inquiry.id, 'We will replace it.');
    const other = await createInquiry(base, { subject: 'Unrelated', message: 'x' }, kim.token);

    const linked = await call(base, 'POST', `${A}/${inquiry.id}/link-support-request`, { token: admin.token, body: {} });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    const requestId = linked.body.data.supportRequestId;
    assert.ok(Number.isInteger(requestId));

    const staffView = await adminDetail(base, admin.token, inquiry.id);
    assert.equal(staffView.trackingCode, inquiry.trackingCode);
    assert.equal(staffView.supportRequestId, requestId);
    assert.equal(staffView.status, 'linked');
    const customerView = await call(base, 'GET', `${P}/${inquiry.id}`, { token: kim.token });
    assert.equal(customerView.status, 200);
    assert.equal(customerView.body.data.trackingCode, inquiry.trackingCode);
    assert.equal(customerView.body.data.supportRequestId, requestId);
    const customerList = (await call(base, 'GET', P, { token: kim.token })).body.data;
    const item = customerList.find((i) => i.id === inquiry.id);
    assert.equal(item.trackingCode, inquiry.trackingCode);
    assert.equal(item.supportRequestId, requestId);

    assert.deepEqual(ids((await adminList(base, admin.token, `supportRequestId=${requestId}`)).data), [inquiry.id]);
    const bySearch = await adminList(base, admin.token, `search=${inquiry.trackingCode}`);
    assert.deepEqual(ids(bySearch.data), [inquiry.id]);
    assert.equal(bySearch.data[0].supportRequestId, requestId);
    assert.ok(!ids((await adminList(base, admin.token, `supportRequestId=${requestId}`)).data).includes(other.id));

    const sr = await call(base, 'GET', `/api/admin/support-requests/${requestId}`, { token: admin.token });
    assert.equal(sr.status, 200, JSON.stringify(sr.body));
    assert.deepEqual(senderTypes(sr.body.data.messages), ['customer', 'admin']);
    const mine = await call(base, 'GET', '/api/mobile/support-requests', { token: kim.token });
    assert.ok(ids(mine.body.data).includes(requestId));

    const lookup = await call(base, 'GET',
      `/api/support/ticket/${inquiry.trackingCode}?email=${encodeURIComponent('kim@example.com')}`);
    assert.equal(lookup.status, 200, JSON.stringify(lookup.body));
    assert.equal(lookup.body.data.reference, inquiry.trackingCode);
    assert.equal(lookup.body.data.kind, 'inquiry');
    assert.equal(lookup.body.data.status, 'linked');
  } finally {
    await server.cleanup();
  }
});

test('closed and spam inquiries accept no more messages from guests, customers or staff', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const k1 = await createInquiry(base, { subject: 'To close', message: 'one' }, kim.token);
    const k2 = await createInquiry(base, { subject: 'To spam', message: 'two' }, kim.token);
    const g = await createInquiry(base, { subject: 'Guest to close', message: 'three' });
    await adminReply(base, admin.token, k1.id, 'Answer');
    const CLOSED = 'SUPPORT_INQUIRY_CLOSED';

    const closed = await setStatus(base, admin.token, k1.id, 'closed');
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(typeof closed.body.data.closedAt, 'string');
    assertError(await call(base, 'POST', `${P}/${k1.id}/messages`, { token: kim.token, body: { message: 'hello?' } }),
      400, CLOSED, 'customer on closed');
    assertError(await call(base, 'POST', `${A}/${k1.id}/messages`, { token: admin.token, body: { message: 'hello?' } }),
      400, CLOSED, 'admin on closed');
    assertError(await setStatus(base, admin.token, k1.id, 'active'), 400, CLOSED, 'status change on closed');

    const spam = await setStatus(base, admin.token, k2.id, 'spam');
    assert.equal(spam.status, 200, JSON.stringify(spam.body));
    assert.equal(spam.body.data.status, 'spam');
    assert.equal(typeof spam.body.data.closedAt, 'string');
    assertError(await call(base, 'POST', `${P}/${k2.id}/messages`, { token: kim.token, body: { message: 'hello?' } }),
      400, CLOSED, 'customer on spam');
    assertError(await call(base, 'POST', `${A}/${k2.id}/messages`, { token: admin.token, body: { message: 'hello?' } }),
      400, CLOSED, 'admin on spam');
    assertError(await setStatus(base, admin.token, k2.id, 'closed'), 400, CLOSED, 'status change on spam');

    // A guest keeps the token of a closed inquiry: reading works, posting is refused with
    // SUPPORT_INQUIRY_CLOSED (the UI shows the closed state), as for staff.
    const before = await adminDetail(base, admin.token, g.id);
    assert.equal((await setStatus(base, admin.token, g.id, 'closed')).status, 200);
    assertError(await call(base, 'POST', `${P}/${g.id}/messages`, { token: g.inquiryAccessToken, body: { message: 'hello?' } }),
      400, CLOSED, 'guest token on closed');
    assert.equal((await call(base, 'GET', `${P}/${g.id}`, { token: g.inquiryAccessToken })).body.data.status, 'closed');
    assertError(await call(base, 'POST', `${A}/${g.id}/messages`, { token: admin.token, body: { message: 'hello?' } }),
      400, CLOSED, 'admin on closed guest inquiry');
    const after = await adminDetail(base, admin.token, g.id);
    assert.deepEqual(after.messages, before.messages, 'closing deletes nothing');
    assert.deepEqual(senderTypes((await adminDetail(base, admin.token, k1.id)).messages), ['system', 'customer', 'admin']);
  } finally {
    await server.cleanup();
  }
});

test('the inactive-close job closes stale inquiries and keeps their messages', async () => {
  const server = await startDocket({
    SUPPORT_INQUIRIES_INACTIVE_CLOSE_CRON: '* * * * *',
    SUPPORT_INQUIRIES_INACTIVE_CLOSE_DAYS: '0',
  });
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    // Set up away from a minute boundary so no run falls in the middle. Not
    // synchronization: the cron's minute boundaries are wall-clock time.
    const s = new Date().getUTCSeconds();
    if (s < 2 || s > 40) await sleep(((62 - s) % 60) * 1000);

    const open = await createInquiry(base, { subject: 'Stale open', message: 'anyone?' });
    const waiting = await createInquiry(base, { subject: 'Stale waiting', message: 'hello' });
    await adminReply(base, admin.token, waiting.id, 'What is your order number?');
    const active = await createInquiry(base, { subject: 'Stale active', message: 'hey' });
    await adminReply(base, admin.token, active.id, 'Yes?');
    assert.equal((await call(base, 'POST', `${P}/${active.id}/messages`, {
      token: active.inquiryAccessToken, body: { message: 'It is 42' },
    })).status, 201);
    const resolved = await createInquiry(base, { subject: 'Stale resolved', message: 'ok' });
    assert.equal((await setStatus(base, admin.token, resolved.id, 'resolved')).status, 200);
    const spam = await createInquiry(base, { subject: 'Buy now', message: 'cheap pills' });
    assert.equal((await setStatus(base, admin.token, spam.id, 'spam')).status, 200);
    const linkedInquiry = await createInquiry(base, { subject: 'Linked', category: 'general', message: 'help' }, kim.token);
    const linked = await call(base, 'POST', `${A}/${linkedInquiry.id}/link-support-request`, { token: admin.token, body: {} });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));

    const stale = [open, waiting, active, resolved];
    const before = new Map();
    for (const i of [...stale, spam, linkedInquiry]) before.set(i.id, await adminDetail(base, admin.token, i.id));
    assert.equal(before.get(waiting.id).status, 'waiting');
    assert.equal(before.get(active.id).status, 'active');
    assert.equal(before.get(open.id).status, 'open');

    await waitFor(async () => {
      const now = await Promise.all(stale.map((x) => adminDetail(base, admin.token, x.id)));
      return now.every((d) => d.status === 'closed');
    }, { timeoutMs: 75000, intervalMs: 1000, message: 'the open, waiting, active and resolved inquiries closed (75 s)' });
    for (const x of stale) {
      const d = await adminDetail(base, admin.token, x.id);
      assert.equal(d.status, 'closed');
      assert.equal(typeof d.closedAt, 'string', `closedAt of ${x.subject}`);
      assert.deepEqual(d.messages, before.get(x.id).messages, `messages of ${x.subject} kept`);
    }
    assert.deepEqual(await adminDetail(base, admin.token, spam.id), before.get(spam.id), 'spam untouched');
    assert.deepEqual(await adminDetail(base, admin.token, linkedInquiry.id), before.get(linkedInquiry.id), 'linked untouched');
  } finally {
    await server.cleanup();
  }
});

test('staff need SupportInquiries_READ and SupportInquiries_UPDATE', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const g = await createInquiry(base, { subject: 'Permission check', message: 'hi' });

    const me = await call(base, 'GET', '/api/auth/me', { token: admin.token });
    assert.ok(me.body.data.permissions.includes('SupportInquiries_READ'));
    assert.ok(me.body.data.permissions.includes('SupportInquiries_UPDATE'));
    const catalogue = await call(base, 'GET', '/api/admin/events?type=permission.catalogue_seeded', { token: admin.token });
    assert.equal(catalogue.status, 200, JSON.stringify(catalogue.body));
    const names = catalogue.body.data.events.at(-1).data.permissions.map((p) => p.name);
    assert.ok(names.includes('SupportInquiries_READ') && names.includes('SupportInquiries_UPDATE'), names.join());

    const noInquiries = await createStaff(base, admin.token, { email: 'none@example.com', permissions: ['SupportRequests_READ'] });
    const readOnly = await createStaff(base, admin.token, { email: 'reader@example.com', permissions: ['SupportInquiries_READ'] });
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });

    const denied = (res, permission, what) => {
      assertError(res, 403, 'FORBIDDEN', what);
      assert.equal(res.body.details?.permission, permission, what);
    };
    denied(await call(base, 'GET', A, { token: noInquiries.token }), 'SupportInquiries_READ', 'list without READ');
    denied(await call(base, 'GET', `${A}/${g.id}`, { token: noInquiries.token }), 'SupportInquiries_READ', 'detail without READ');
    denied(await call(base, 'POST', `${A}/${g.id}/messages`, { token: noInquiries.token, body: { message: 'x' } }),
      'SupportInquiries_UPDATE', 'reply without UPDATE');

    assert.equal((await call(base, 'GET', A, { token: readOnly.token })).status, 200);
    assert.equal((await call(base, 'GET', `${A}/${g.id}`, { token: readOnly.token })).status, 200);
    const readOnlyCalls = [
      ['POST', `${A}/${g.id}/messages`, { message: 'x' }],
      ['PATCH', `${A}/${g.id}/assign`, { assignedAdminId: null }],
      ['PATCH', `${A}/${g.id}/status`, { status: 'active' }],
      ['POST', `${A}/${g.id}/revoke-token`, undefined],
      ['POST', `${A}/${g.id}/link-support-request`, {}],
    ];
    for (const [method, p, body] of readOnlyCalls) {
      denied(await call(base, method, p, { token: readOnly.token, body }), 'SupportInquiries_UPDATE', `${method} ${p} with READ only`);
    }

    // The agent preset holds both.
    assert.equal((await call(base, 'GET', A, { token: agent.token })).status, 200);
    assert.equal((await call(base, 'POST', `${A}/${g.id}/messages`, { token: agent.token, body: { message: 'Hi!' } })).status, 201);

    // Customers and anonymous callers have no admin access.
    assertError(await call(base, 'GET', A, { token: kim.token }), 403, 'FORBIDDEN', 'customer on admin list');
    assertError(await call(base, 'GET', A), 401, 'UNAUTHORIZED', 'anonymous admin list');
    assert.equal((await adminDetail(base, admin.token, g.id)).status, 'waiting', 'only the agent reply counted');
  } finally {
    await server.cleanup();
  }
});

test('rate limit: the third inquiry create from one address is 429 RATE_LIMIT_EXCEEDED (DOCKET_RATE_LIMIT_PUBLIC_CREATE)', async () => {
  const server = await startDocket({ DOCKET_RATE_LIMIT_ENABLED: 'true', DOCKET_RATE_LIMIT_PUBLIC_CREATE: '2/600' });
  try {
    const base = server.baseUrl;
    assert.equal((await call(base, 'POST', P, { body: { subject: 'One', message: 'a' } })).status, 201);
    assert.equal((await call(base, 'POST', P, { body: { subject: 'Two' } })).status, 201);
    const third = await call(base, 'POST', P, { body: { subject: 'Three' } });
    assertError(third, 429, 'RATE_LIMIT_EXCEEDED', 'third create');
    assert.ok(Number(third.headers.get('retry-after')) >= 1, 'Retry-After is set');
  } finally {
    await server.cleanup();
  }
});

test('rate limit: inquiry messages and identify share DOCKET_RATE_LIMIT_INQUIRY_WRITE', async () => {
  const server = await startDocket({ DOCKET_RATE_LIMIT_ENABLED: 'true', DOCKET_RATE_LIMIT_INQUIRY_WRITE: '2/600' });
  try {
    const base = server.baseUrl;
    const g = await createInquiry(base, { subject: 'Chatty', message: 'a' });
    const token = g.inquiryAccessToken;
    assert.equal((await call(base, 'POST', `${P}/${g.id}/messages`, { token, body: { message: 'm1' } })).status, 201);
    assert.equal((await call(base, 'PATCH', `${P}/${g.id}/identify`, { token, body: { email: 'rl@example.com' } })).status, 200);
    assertError(await call(base, 'POST', `${P}/${g.id}/messages`, { token, body: { message: 'm3' } }),
      429, 'RATE_LIMIT_EXCEEDED', 'third write');
  } finally {
    await server.cleanup();
  }
});

test('rate limit: verification request and confirm share DOCKET_RATE_LIMIT_INQUIRY_VERIFY', async () => {
  const server = await startDocket({ DOCKET_RATE_LIMIT_ENABLED: 'true', DOCKET_RATE_LIMIT_INQUIRY_VERIFY: '1/600' });
  try {
    const base = server.baseUrl;
    const g = await createInquiry(base, { subject: 'Verify limit', guestEmail: 'rl@example.com' });
    const token = g.inquiryAccessToken;
    assert.equal((await call(base, 'POST', `${P}/${g.id}/verify-email/request`, { token, body: { email: 'rl@example.com' } })).status, 202);
    assertError(await call(base, 'POST', `${P}/${g.id}/verify-email/confirm`, { token, body: { code: '123456' } }),
      429, 'RATE_LIMIT_EXCEEDED', 'second verify call');
  } finally {
    await server.cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// Public ticket lookup

// A guest inquiry (guest e-mail), a customer's inquiry and a customer's support request.
async function lookupFixture(base) {
  const admin = await loginAdmin(base);
  const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
  const gi = await createInquiry(base, { subject: 'Guest lookup', message: 'hi', guestName: 'Gwen', guestEmail: 'gwen@example.org' });
  const ki = await createInquiry(base, { subject: 'Customer lookup', message: 'hi' }, kim.token);
  const sr = (await call(base, 'POST', '/api/mobile/support-requests', {
    token: kim.token, body: { subject: 'Ticket', category: 'general', message: 'hello' },
  })).body.data;
  assert.match(sr.ticketNumber, /^SUP-\d{4}-\d{6}$/);
  const lookup = (code, email, headers = {}) => call(base, 'GET',
    `/api/support/ticket/${encodeURIComponent(code)}${email === undefined ? '' : `?email=${encodeURIComponent(email)}`}`,
    { headers });
  return { admin, kim, gi, ki, sr, lookup };
}

test('public ticket lookup: the reference alone shows status, priority and times; the subject needs the e-mail', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const { admin, gi, ki, sr, lookup } = await lookupFixture(base);
    const plain = ['closedAt', 'createdAt', 'emailMatched', 'kind', 'priority', 'reference', 'resolvedAt', 'status', 'updatedAt'];

    const byGuest = await lookup(gi.trackingCode, 'gwen@example.org');
    assert.equal(byGuest.status, 200, JSON.stringify(byGuest.body));
    assert.equal(byGuest.body.data.reference, gi.trackingCode);
    assert.equal(byGuest.body.data.kind, 'inquiry');
    assert.equal(byGuest.body.data.status, 'open');
    assert.equal(byGuest.body.data.emailMatched, true);
    assert.equal(byGuest.body.data.subject, 'Guest lookup');
    assert.equal(byGuest.body.data.closedAt, null);
    assert.equal(typeof byGuest.body.data.createdAt, 'string');
    assert.ok(!byGuest.text.includes('Gwen') && !byGuest.text.includes('gwen@'), 'no names, no contact data');

    const byCustomer = await lookup(ki.trackingCode, 'kim@example.com');
    assert.equal(byCustomer.status, 200, JSON.stringify(byCustomer.body));
    assert.equal(byCustomer.body.data.kind, 'inquiry');
    assert.equal(byCustomer.body.data.subject, 'Customer lookup');

    const request = await lookup(sr.ticketNumber, 'kim@example.com');
    assert.equal(request.status, 200, JSON.stringify(request.body));
    assert.equal(request.body.data.kind, 'support_request');
    assert.equal(request.body.data.reference, sr.ticketNumber);
    assert.equal(request.body.data.category, 'general');

    assert.equal((await setStatus(base, admin.token, gi.id, 'closed')).status, 200);
    const closed = await lookup(gi.trackingCode);
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.data.status, 'closed');
    assert.equal(typeof closed.body.data.closedAt, 'string');

    // Without the ticket's e-mail (none, another, empty, no address): the same plain answer.
    for (const [what, code, email] of [
      ['inquiry, no e-mail', gi.trackingCode, undefined],
      ['inquiry, wrong e-mail', gi.trackingCode, 'kim@example.com'],
      ['inquiry, empty e-mail', gi.trackingCode, ''],
      ['customer inquiry, wrong e-mail', ki.trackingCode, 'gwen@example.org'],
      ['support request, no e-mail', sr.ticketNumber, undefined],
      ['support request, not an address', sr.ticketNumber, 'kim'],
    ]) {
      const res = await lookup(code, email);
      assert.equal(res.status, 200, `${what}: ${res.text}`);
      assert.deepEqual(Object.keys(res.body.data).sort(), plain, `${what}: nothing personal`);
      assert.equal(res.body.data.emailMatched, false, what);
    }
    assert.deepEqual((await lookup(sr.ticketNumber, 'gwen@example.org')).body.data,
      (await lookup(sr.ticketNumber)).body.data, 'a wrong e-mail is answered as none');
  } finally {
    await server.cleanup();
  }
});

test('public ticket lookup: unknown and malformed references are the same 404', async () => {
  const server = await startDocket();
  try {
    const base = server.baseUrl;
    const { gi, ki, lookup } = await lookupFixture(base);
    let unknownCode = 'INQ-ZZZZZZ';
    if ([gi.trackingCode, ki.trackingCode].includes(unknownCode)) unknownCode = 'INQ-YYYYYY';
    const failures = [
      ['unknown inquiry code', unknownCode, 'gwen@example.org'],
      ['unknown ticket number', 'SUP-2026-999999', 'kim@example.com'],
      ['unknown ticket number, no e-mail', 'SUP-2026-999998', undefined],
      ['malformed code', 'hello', 'kim@example.com'],
      ['malformed inquiry code', 'INQ-0O0O0O', 'kim@example.com'],
    ];
    let reference;
    for (const [what, code, email] of failures) {
      const res = await lookup(code, email, { 'X-Request-Id': 'ticket-lookup-probe' });
      assertError(res, 404, 'NOT_FOUND', what);
      reference ??= res.body;
      assert.deepEqual(res.body, reference, `${what}: the same body as every other failure`);
    }
  } finally {
    await server.cleanup();
  }
});
