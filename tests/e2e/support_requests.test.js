// Support requests and feedback against the real binary: a customer opens a ticket, an
// admin works it, the customer replies after resolution, a closed ticket refuses replies.
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
  return { status: res.status, body: await res.json() };
}

test('a support request from creation to closure', async () => {
  const server = await startServer({
    env: {
      DOCKET_BOOTSTRAP_ADMIN_EMAIL: 'lead@example.com',
      DOCKET_BOOTSTRAP_ADMIN_PASSWORD: 'lead-password-1',
      DOCKET_PASSWORD_HASH_COST: 'minimal',
    },
  });
  try {
    const base = server.baseUrl;
    const customer = (await call(base, 'POST', '/api/auth/register', {
      body: { email: 'kim@example.com', password: 'kim-password', name: 'Kim' },
    })).body.data.token;
    const admin = (await call(base, 'POST', '/api/auth/login', {
      body: { email: 'lead@example.com', password: 'lead-password-1' },
    })).body.data.token;

    const created = await call(base, 'POST', '/api/mobile/support-requests', {
      token: customer,
      body: { subject: 'Cannot pay', category: 'billing', message: 'Card refused' },
    });
    assert.equal(created.status, 201);
    const request = created.body.data;
    assert.match(request.ticketNumber, /^SUP-\d{4}-\d{6}$/);
    assert.equal(request.priority, 'medium');
    assert.equal(request.status, 'open');
    for (const key of ['id', 'customerId', 'subject', 'category', 'assignedAdminId',
      'resolutionNote', 'createdAt', 'updatedAt']) {
      assert.ok(key in request, `request has ${key}`);
    }

    const list = await call(base, 'GET', '/api/admin/support-requests?status=open&search=pay', { token: admin });
    assert.equal(list.status, 200);
    assert.equal(list.body.pagination.total, 1);

    const reply = await call(base, 'POST', `/api/admin/support-requests/${request.id}/messages`, {
      token: admin, body: { message: 'Please try again' },
    });
    assert.equal(reply.status, 201);
    // The answer is the new message and the request's fields, never the whole thread.
    assert.ok(reply.body.data.supportRequest.firstResponseAt);
    assert.equal(reply.body.data.message.message, 'Please try again');
    assert.equal(reply.body.data.message.senderType, 'admin');
    assert.ok(!('messages' in reply.body.data.supportRequest));
    const resolved = await call(base, 'PATCH', `/api/admin/support-requests/${request.id}/status`, {
      token: admin, body: { status: 'resolved', resolutionNote: 'Card limit raised' },
    });
    assert.equal(resolved.body.data.status, 'resolved');

    const reopened = await call(base, 'POST', `/api/mobile/support-requests/${request.id}/messages`, {
      token: customer, body: { message: 'Still refused' },
    });
    assert.equal(reopened.body.data.supportRequest.status, 'open');
    const detail = await call(base, 'GET', `/api/mobile/support-requests/${request.id}`, { token: customer });
    assert.deepEqual(detail.body.data.messages.map((m) => m.senderType), ['customer', 'admin', 'customer']);
    assert.ok(detail.body.data.messages.every((m) => Number.isInteger(m.eventId)));

    await call(base, 'PATCH', `/api/admin/support-requests/${request.id}/status`, {
      token: admin, body: { status: 'closed' },
    });
    const refused = await call(base, 'POST', `/api/mobile/support-requests/${request.id}/messages`, {
      token: customer, body: { message: 'Hello?' },
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.errorCode, 'SUPPORT_REQUEST_CLOSED');

    const feedback = await call(base, 'POST', '/api/mobile/feedback', {
      token: customer, body: { category: 'general', message: 'Quick help, thanks', rating: 5 },
    });
    assert.equal(feedback.status, 201);
    const reviewed = await call(base, 'PATCH', `/api/admin/feedback/${feedback.body.data.id}/review`, {
      token: admin, body: {},
    });
    assert.equal(reviewed.body.data.status, 'reviewed');
    const again = await call(base, 'PATCH', `/api/admin/feedback/${feedback.body.data.id}/review`, {
      token: admin, body: {},
    });
    assert.equal(again.status, 409);
  } finally {
    await server.cleanup();
  }
});
