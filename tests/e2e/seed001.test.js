// Seed 001's ticket API against the real binary, as a site built against seed 001's
// release calls it: its request example replayed, its response example matched byte for
// byte apart from ids and times; a guest's form ticket (a conversation with a token that
// staff see by its SUP number); the lookup; the rate limit; the statistics; and the
// conversation export read as a stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUEST_TOKEN, TRACKING_CODE, assertError, call, createStaff, loginAdmin, registerCustomer } from './lib/inquiries.js';
import { withServer } from './lib/realtime.js';

// Seed 001, "Form Data Structure" and "Response Format", as released.
const SEED_REQUEST = {
  name: 'Customer Name',
  email: 'customer@email.com',
  subject: 'technical',
  message: 'Support request...',
  userId: 'user-id-if-logged-in',
  timestamp: '2025-01-07T10:30:00.000Z',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  url: 'https://afflyt.io/support',
};
const SEED_RESPONSE = JSON.stringify({
  success: true,
  data: {
    id: 'uuid',
    ticketNumber: 'SUP-2025-123456',
    name: 'Customer Name',
    email: 'customer@email.com',
    subject: 'technical',
    message: 'Support request...',
    status: 'open',
    priority: 'high',
    submittedAt: '2025-01-07T10:30:00.000Z',
    userId: 'user-id-if-logged-in',
  },
  message: 'Support ticket created successfully',
  timestamp: '2025-01-07T10:30:00.000Z',
});
const ISO = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';

// Puts the example's ids and times in place of the server's.
function asSeedExample(text) {
  return text
    .replace(/"id":"support_(request|inquiry)-\d+"/, '"id":"uuid"')
    .replace(/"ticketNumber":"SUP-\d{4}-\d{6}"/, '"ticketNumber":"SUP-2025-123456"')
    .replace(new RegExp(`"submittedAt":"${ISO}"`), '"submittedAt":"2025-01-07T10:30:00.000Z"')
    .replace(/"userId":"\d+"/, '"userId":"user-id-if-logged-in"')
    .replace(new RegExp(`"timestamp":"${ISO}"}$`), '"timestamp":"2025-01-07T10:30:00.000Z"}');
}

test("seed 001's example, sent by a signed-in customer, gets seed 001's answer", async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim-seed001@example.com', 'Kim');
    const res = await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST, token: kim.token });
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(asSeedExample(res.text), SEED_RESPONSE);
    // The token, not the body, says who: the account's id, never "user-id-if-logged-in".
    assert.equal(res.body.data.userId, String(kim.id));
    assert.match(res.body.data.ticketNumber, /^SUP-\d{4}-\d{6}$/);

    // It is Kim's support request, with the form's extras kept for staff.
    const id = res.body.data.id.replace('support_request-', '');
    const detail = await call(base, 'GET', `/api/admin/support-requests/${id}`, { token: admin.token });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.data.customerId, kim.id);
    assert.equal(detail.body.data.ticketNumber, res.body.data.ticketNumber);
    assert.equal(detail.body.data.category, 'technical');
    assert.equal(detail.body.data.priority, 'high');
    assert.equal(detail.body.data.source, 'form');
    assert.equal(detail.body.data.metadata.form.url, SEED_REQUEST.url);
    // The lookup by number: status without the e-mail, the subject with the account's.
    const plain = await call(base, 'GET', `/api/support/ticket/${res.body.data.ticketNumber}`);
    assert.equal(plain.status, 200);
    assert.deepEqual(
      Object.keys(plain.body.data).sort(),
      ['closedAt', 'createdAt', 'emailMatched', 'kind', 'priority', 'reference', 'resolvedAt', 'status', 'updatedAt'],
    );
    const personal = await call(base, 'GET', `/api/support/ticket/${res.body.data.ticketNumber}?email=${kim.email}`);
    assert.equal(personal.body.data.subject, 'Support request...');
  });
});

test('without a token the form files a guest conversation that staff see by its SUP number', async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const res = await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST });
    assert.equal(res.status, 201, res.text);
    const data = res.body.data;
    assert.deepEqual(Object.keys(data), [
      'id', 'ticketNumber', 'name', 'email', 'subject', 'message', 'status', 'priority', 'submittedAt',
      'trackingCode', 'inquiryAccessToken',
    ]);
    assert.match(data.trackingCode, TRACKING_CODE);
    assert.match(data.inquiryAccessToken, GUEST_TOKEN);
    assert.equal(data.priority, 'high');
    const id = data.id.replace('support_inquiry-', '');

    // The guest carries on with the token; the body's userId linked nothing.
    const own = await call(base, 'GET', `/api/support-inquiries/${id}`, { token: data.inquiryAccessToken });
    assert.equal(own.status, 200);
    assert.equal(own.body.data.customerId, null);
    assert.equal(own.body.data.ticketNumber, data.ticketNumber);
    const more = await call(base, 'POST', `/api/support-inquiries/${id}/messages`, {
      token: data.inquiryAccessToken, body: { message: 'Any news?' },
    });
    assert.equal(more.status, 201);
    // Staff find it in the inbox by its number, and in the queue.
    const inbox = await call(base, 'GET', `/api/admin/support-inquiries?search=${data.ticketNumber}`, { token: admin.token });
    assert.equal(inbox.body.data.length, 1);
    assert.equal(inbox.body.data[0].source, 'form');
    const queue = await call(base, 'GET', '/api/admin/queue', { token: admin.token });
    assert.ok(queue.body.data.some((item) => item.reference === data.ticketNumber), queue.text);
    // Without the e-mail the lookup shows nothing personal; a wrong one the same.
    const plain = await call(base, 'GET', `/api/support/ticket/${data.ticketNumber}`);
    const wrong = await call(base, 'GET', `/api/support/ticket/${data.ticketNumber}?email=someone@example.com`);
    assert.equal(plain.body.data.subject, undefined);
    assert.deepEqual(wrong.body.data, plain.body.data);
    assert.ok(!plain.text.includes('customer@email.com'));
    // Bad forms are refused with the field at fault.
    assertError(await call(base, 'POST', '/api/support/ticket', { body: { ...SEED_REQUEST, subject: 'sales' } }),
      400, 'VALIDATION_ERROR', 'unknown subject');
  });
});

test("seed 001's rate limit: three tickets per ten minutes per address", async () => {
  await withServer({ DOCKET_RATE_LIMIT_ENABLED: 'true' }, async ({ base }) => {
    for (let i = 0; i < 3; i++) {
      const res = await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST });
      assert.equal(res.status, 201, res.text);
    }
    const limited = await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST });
    assertError(limited, 429, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});

test("seed 001's statistics for staff with Analytics_READ", async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'stats-agent@example.com' });
    await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST });
    await call(base, 'POST', '/api/support/ticket', { body: { ...SEED_REQUEST, subject: 'billing' } });
    assertError(await call(base, 'GET', '/api/support/stats', { token: agent.token }), 403, 'FORBIDDEN');
    const stats = await call(base, 'GET', '/api/support/stats', { token: admin.token });
    assert.equal(stats.status, 200, stats.text);
    assert.equal(stats.body.data.totalTickets, 2);
    assert.equal(stats.body.data.priorityDistribution.high, 1);
    assert.equal(stats.body.data.priorityDistribution.medium, 1);
    assert.equal(stats.body.data.subjectBreakdown.technical, 1);
    assert.equal(stats.body.data.subjectBreakdown.billing, 1);
    assert.equal(stats.body.data.byStatus.open, 2);
    assert.equal(stats.body.data.averageResponseTimeSeconds, null);
  });
});

test('the conversation export streams JSON Lines that a client reads as they arrive', async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const ticket = await call(base, 'POST', '/api/support/ticket', { body: SEED_REQUEST });
    assert.equal(ticket.status, 201, ticket.text);
    const kim = await registerCustomer(base, 'kim-export@example.com', 'Kim');
    const created = await call(base, 'POST', '/api/mobile/support-requests', {
      token: kim.token, body: { subject: 'Export me', category: 'general', message: 'first, "quoted"\nline' },
    });
    assert.equal(created.status, 201, created.text);

    const res = await fetch(`${base}/api/admin/export/conversations`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    // Read the body as a stream, line by line, as an archiver would.
    const decoder = new TextDecoder();
    let pending = '';
    const lines = [];
    for await (const chunk of res.body) {
      pending += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(pending.slice(0, nl)));
        pending = pending.slice(nl + 1);
      }
    }
    assert.equal(pending, '');
    assert.deepEqual(lines.map((l) => l.type), ['support_request', 'support_inquiry']);
    assert.equal(lines[0].subject, 'Export me');
    assert.equal(lines[0].messages[0].message, 'first, "quoted"\nline');
    assert.equal(lines[1].ticketNumber, ticket.body.data.ticketNumber);
    assert.equal(lines[1].guestEmail, SEED_REQUEST.email);

    const agent = await createStaff(base, admin.token, { email: 'export-agent@example.com' });
    assertError(await call(base, 'GET', '/api/admin/export/conversations', { token: agent.token }), 403, 'FORBIDDEN');
  });
});
